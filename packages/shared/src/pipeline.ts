import { z } from "zod";
import { idSchema, versionSchema } from "./clients";
import { text } from "./text";

/** The stages every new account starts with. */
export const DEFAULT_STAGES = [
  { name: "Lead", color: "#6366f1" },
  { name: "Contacted", color: "#0ea5e9" },
  { name: "Proposal sent", color: "#f59e0b" },
  { name: "Won", color: "#10b981" },
  { name: "Lost", color: "#94a3b8" },
] as const;

export const stageColorSchema = text()
  .regex(/^#[0-9a-fA-F]{6}$/, "Color must be a hex color such as #6366f1")
  .transform((c) => c.toLowerCase());
export const stageNameSchema = text()
  .trim()
  .min(1, "Stage name is required")
  .max(60, "Stage name must be at most 60 characters");

export const stageCreateInput = z.object({ name: stageNameSchema, color: stageColorSchema.optional() });
export const stageUpdateInput = z.object({
  id: idSchema,
  version: versionSchema,
  name: stageNameSchema.optional(),
  color: stageColorSchema.optional(),
});
export const stageReorderInput = z.object({ stageIds: z.array(idSchema).min(1).max(50) });
export const stageDeleteInput = z.object({ id: idSchema, moveToStageId: idSchema.optional() });
export const moveClientInput = z.object({
  clientId: idSchema,
  stageId: idSchema,
  index: z.number().int().min(0, "index must be 0 or more"),
  version: versionSchema,
});
