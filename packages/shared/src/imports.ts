import { z } from "zod";
import { text } from "./text";

/** The client fields a CSV column can fill, in the order the mapping screen lists them. */
export const IMPORT_FIELDS = [
  "firstName",
  "lastName",
  "fullName",
  "email",
  "phone",
  "company",
  "status",
  "tags",
  "source",
  "notes",
  "consentBasis",
  "consentGivenAt",
  "consentSource",
  "marketingConsent",
  "marketingConsentAt",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  firstName: "First name",
  lastName: "Last name",
  fullName: "Full name",
  email: "Email",
  phone: "Phone",
  company: "Company",
  status: "Status",
  tags: "Tags",
  source: "Source",
  notes: "Notes",
  consentBasis: "Lawful basis",
  consentGivenAt: "Consent date",
  consentSource: "Consent source",
  marketingConsent: "Marketing consent",
  marketingConsentAt: "Marketing consent date",
};

export function isImportField(value: unknown): value is ImportField {
  return typeof value === "string" && (IMPORT_FIELDS as readonly string[]).includes(value);
}

/** Column index → the field it fills, or null for a column that is not imported. */
export type ImportMapping = Record<number, ImportField | null>;

/** A mapping as it arrives from a client (JSON object keys are strings). */
export const importMappingSchema = z.record(
  text().regex(/^\d+$/, "Columns are numbered from 0"),
  z.enum(IMPORT_FIELDS, { error: `Map a column to one of ${IMPORT_FIELDS.join(", ")}, or to nothing` }).nullable(),
);

export const duplicatePolicySchema = z.enum(["skip", "update", "ask"], {
  error: "Choose what to do with duplicates: skip, update or ask",
});

/** Matches listed for a decision one by one; the rest take one decision together. */
export const LISTED_DUPLICATES = 500;

export const importStartInput = z.object({
  id: z.uuid(),
  mapping: importMappingSchema,
  duplicatePolicy: duplicatePolicySchema,
  /**
   * With "ask": for each line whose email matches an existing client, "skip" or "update"; under the key
   * `rest`, the choice for the matches beyond the first LISTED_DUPLICATES (not listed one by one).
   */
  decisions: z
    .record(
      text().regex(/^(\d+|rest)$/, "Decisions are keyed by line number, or `rest`"),
      z.enum(["skip", "update"], { error: "Decide skip or update" }),
    )
    .optional(),
});

export const importPreviewInput = z.object({ id: z.uuid(), mapping: importMappingSchema.optional() });
