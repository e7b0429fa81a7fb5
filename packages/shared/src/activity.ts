import { z } from "zod";
import { idSchema } from "./clients";
import { text } from "./text";

export const ACTIVITY_ENTITY_TYPES = ["client", "note", "stage", "booking"] as const;
export const activityListInput = z
  .object({
    entityType: z.enum(ACTIVITY_ENTITY_TYPES).optional(),
    entityId: idSchema.optional(),
    /** Everything about one client: the client itself, its notes, its bookings. */
    clientId: idSchema.optional(),
    cursor: text().max(200).nullish(),
    limit: z.number().int().min(1).max(100).default(30),
  })
  .default({ limit: 30 });
