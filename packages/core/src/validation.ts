import type { z } from "zod";
import { DomainError } from "./errors";

/**
 * Validates input at the domain boundary (routers validate too; the CLI and jobs call verbs
 * directly). The first issue becomes a VALIDATION error naming its field.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : undefined;
  throw new DomainError("VALIDATION", issue?.message ?? "Invalid input", field ? { field } : {});
}
