import { z } from "zod";
import { idSchema, versionSchema } from "./clients";
import { text } from "./text";

const noteBodySchema = text()
  .trim()
  .min(1, "Write something first")
  .max(20_000, "Notes must be at most 20,000 characters");

export const noteCreateInput = z.object({ clientId: idSchema, body: noteBodySchema });
export const noteUpdateInput = z.object({ id: idSchema, version: versionSchema, body: noteBodySchema });
export const noteListInput = z.object({ clientId: idSchema });
