import { z } from "zod";
import { CONSENT_FILTERS, clientConsentInput } from "./consent";
import { text } from "./text";

export const CLIENT_STATUSES = ["active", "inactive", "archived"] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];
export const clientStatusSchema = z.enum(CLIENT_STATUSES, { error: "Status must be active, inactive or archived" });

export const CLIENT_SORTS = [
  "name",
  "-name",
  "created",
  "-created",
  "updated",
  "-updated",
  "status",
  "-status",
] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];

export const idSchema = z.uuid({ error: "Must be a valid id" });
export const versionSchema = z.number({ error: "version is required" }).int().min(1);

const optionalText = (max: number, label: string) =>
  text()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

export const tagSchema = text()
  .trim()
  .min(1, "Tags cannot be empty")
  .max(40, "Tags must be at most 40 characters")
  .transform((t) => t.toLowerCase());

const clientFields = {
  firstName: optionalText(100, "First name"),
  lastName: optionalText(100, "Last name"),
  email: text()
    .trim()
    .max(254, "Email is too long")
    .transform((v) => (v === "" ? null : v))
    .pipe(z.email({ error: "Enter a valid email address" }).nullable())
    .nullable()
    .optional(),
  /** As typed; the server validates it against the user's phone region and stores E.164. */
  phone: optionalText(40, "Phone"),
  company: optionalText(200, "Company"),
  status: clientStatusSchema.optional(),
  stageId: idSchema.nullable().optional(),
  tags: z.array(tagSchema).max(20, "At most 20 tags").optional(),
  source: optionalText(100, "Source"),
  /** Lawful basis and marketing consent (DESIGN: clients carry `consent`). */
  consent: clientConsentInput.optional(),
};

export const clientCreateInput = z.object(clientFields).superRefine((v, ctx) => {
  if (!v.firstName && !v.lastName && !v.email) {
    ctx.addIssue({ code: "custom", path: ["firstName"], message: "Enter a name or an email" });
  }
});
export type ClientCreateInput = z.input<typeof clientCreateInput>;

export const clientUpdateInput = z.object({ id: idSchema, version: versionSchema, ...clientFields });
export type ClientUpdateInput = z.input<typeof clientUpdateInput>;

export const clientListInput = z
  .object({
    cursor: text().max(500).nullish(),
    limit: z.number().int().min(1).max(100).default(20),
    sort: z.enum(CLIENT_SORTS, { error: `Sort must be one of ${CLIENT_SORTS.join(", ")}` }).default("name"),
    status: clientStatusSchema.optional(),
    stageId: idSchema.optional(),
    tag: tagSchema.optional(),
    /** A lawful basis, or "none": not recorded. */
    consent: z
      .enum(CONSENT_FILTERS, {
        error: `Consent filter must be one of ${CONSENT_FILTERS.join(", ")}`,
      })
      .optional(),
    marketing: z.boolean({ error: "Marketing filter must be true or false" }).optional(),
    query: text().trim().max(200, "Search is too long").optional(),
  })
  .default({ limit: 20, sort: "name" });
export type ClientListInput = z.input<typeof clientListInput>;

export const byIdInput = z.object({ id: idSchema });
export const trashListInput = z.object({ cursor: text().max(500).nullish() }).default({});

/** "Ada Lovelace", or the email when there is no name. */
export function clientDisplayName(c: { firstName?: string | null; lastName?: string | null; email?: string | null }) {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name || c.email || "Unnamed client";
}
