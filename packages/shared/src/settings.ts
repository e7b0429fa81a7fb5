import { z } from "zod";
import { nameSchema, phoneRegionSchema, timeZoneSchema } from "./auth";

export const settingsUpdateInput = z
  .object({
    name: nameSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    phoneRegion: phoneRegionSchema.optional(),
  })
  .refine((v) => v.name !== undefined || v.timeZone !== undefined || v.phoneRegion !== undefined, {
    error: "Nothing to update",
  });
export type SettingsUpdateInput = z.infer<typeof settingsUpdateInput>;
