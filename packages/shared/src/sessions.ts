import { z } from "zod";
import { text } from "./text";

export const revokeSessionInput = z.object({
  id: text({ error: "Session id is required" }).min(1, "Session id is required").max(64, "Session id is too long"),
});
export type RevokeSessionInput = z.infer<typeof revokeSessionInput>;
