import { type ImportField, isImportField } from "@crm/shared";
import type { RouterOutputs } from "../../lib/trpc";

export type ImportDraft = RouterOutputs["imports"]["preview"];
export type ImportStatus = RouterOutputs["imports"]["get"];
export type ImportState = ImportStatus["status"];
export type PreviewRow = ImportDraft["preview"]["rows"][number];
export type DuplicatePolicy = "skip" | "update" | "ask";
export type Decision = "skip" | "update";
/** The decisions key for the matches beyond the ones the server lists one by one. */
export const REST_DECISION = "rest";

/** Column index → field, for every column of the file (null: not imported). */
export type ColumnMapping = (ImportField | null)[];

export function columnMapping(headers: readonly string[], mapping: Record<number, string | null>): ColumnMapping {
  return headers.map((_, i) => {
    const field = (mapping as Record<string, string | null | undefined>)[String(i)];
    return isImportField(field) ? field : null;
  });
}

/** The shape the API takes: JSON object keys are the column numbers. */
export function mappingInput(mapping: ColumnMapping): Record<string, ImportField | null> {
  return Object.fromEntries(mapping.map((field, i) => [String(i), field]));
}

export const ACTIVE_STATES: readonly ImportState[] = ["queued", "running"];

export function isActive(status: ImportState): boolean {
  return ACTIVE_STATES.includes(status);
}

export const STATE_LABELS: Record<ImportState, string> = {
  uploaded: "Not started",
  queued: "Waiting to start",
  running: "Importing",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const STATE_TONES = {
  uploaded: "neutral",
  queued: "indigo",
  running: "indigo",
  completed: "green",
  failed: "red",
  cancelled: "amber",
} as const satisfies Record<ImportState, string>;
