import { z } from "zod";

export const jobRetryInput = z.object({ id: z.uuid({ error: "Must be a valid job id" }) });
