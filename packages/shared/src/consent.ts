import { z } from "zod";
import { text } from "./text";
import { wallClockToInstant } from "./wall-clock";

/** The lawful bases (GDPR art. 6) a client's data can be held on; null on a client: not recorded. */
export const CONSENT_BASES = ["consent", "contract", "legitimate_interest", "legal_obligation"] as const;
export type ConsentBasis = (typeof CONSENT_BASES)[number];

export const CONSENT_BASIS_LABELS: Record<ConsentBasis, string> = {
  consent: "Consent",
  contract: "Contract",
  legitimate_interest: "Legitimate interest",
  legal_obligation: "Legal obligation",
};

/** A client's consent as the API returns it. */
export interface ClientConsent {
  basis: ConsentBasis | null;
  /** When the basis was established (consent given, contract signed…). */
  givenAt: Date | null;
  /** How, in the owner's words ("intake form", "signed contract 2026-03"). */
  source: string | null;
  /** Separate opt-in to marketing email. */
  marketing: boolean;
  /** When marketing consent was given; null whenever `marketing` is false. */
  marketingAt: Date | null;
}

export const CONSENT_SOURCE_MAX = 500;
/** A consent date may be this far ahead of the server's clock (a browser's clock runs a little fast). */
export const CONSENT_CLOCK_SKEW_MS = 5 * 60 * 1000;
const EARLIEST = new Date("1900-01-01T00:00:00Z");

export const consentBasisSchema = z.enum(CONSENT_BASES, {
  error: "Lawful basis must be consent, contract, legitimate_interest or legal_obligation",
});

const consentDate = (label: string) =>
  z.coerce
    .date({ error: `${label} must be a date` })
    .refine((d) => d >= EARLIEST, { error: `${label} must be after 1900` })
    .nullable()
    .optional();

/**
 * Consent on clients.create / clients.update: each field optional (on update, left out: unchanged).
 * Rules that need the stored values or the clock (a date in the future, marketingAt defaulting to
 * now) are checked by the core verb.
 */
export const clientConsentInput = z
  .object({
    basis: consentBasisSchema.nullable().optional(),
    givenAt: consentDate("Consent date"),
    source: text()
      .trim()
      .max(CONSENT_SOURCE_MAX, `Consent source must be at most ${CONSENT_SOURCE_MAX} characters`)
      .transform((v) => (v === "" ? null : v))
      .nullable()
      .optional(),
    marketing: z.boolean({ error: "Marketing consent must be yes or no" }).optional(),
    marketingAt: consentDate("Marketing consent date"),
  })
  .superRefine((v, ctx) => {
    if (v.marketing === false && v.marketingAt) {
      ctx.addIssue({
        code: "custom",
        path: ["marketingAt"],
        message: "A marketing consent date needs marketing consent",
      });
    }
  });
export type ClientConsentInput = z.input<typeof clientConsentInput>;

/** Why a consent date is refused at `now`, or null. */
export function consentDateProblem(label: string, date: Date | null | undefined, now: Date): string | null {
  if (!date) return null;
  if (date.getTime() > now.getTime() + CONSENT_CLOCK_SKEW_MS) return `${label} cannot be in the future`;
  return null;
}

/** A consent's stored shape after applying `input` to `current` (undefined fields keep theirs). */
export function mergeConsent(
  current: ClientConsent,
  input: z.output<typeof clientConsentInput> | undefined,
  now: Date,
): { ok: true; consent: ClientConsent } | { ok: false; field: string; message: string } {
  const basis = input?.basis === undefined ? current.basis : input.basis;
  const basisCleared = basis === null && current.basis !== null;
  // Turning the basis off ("not recorded") takes its date and source with it.
  const givenAt = input?.givenAt !== undefined ? input.givenAt : basisCleared ? null : current.givenAt;
  const source = input?.source !== undefined ? input.source : basisCleared ? null : current.source;
  if (basis === null && (givenAt || source)) {
    return {
      ok: false,
      field: "consent.basis",
      message: `Choose the lawful basis this consent ${givenAt ? "date" : "source"} belongs to`,
    };
  }
  const marketing = input?.marketing ?? current.marketing;
  let marketingAt: Date | null = null;
  if (marketing) {
    marketingAt =
      input?.marketingAt !== undefined && input.marketingAt !== null
        ? input.marketingAt
        : current.marketing && input?.marketingAt === undefined
          ? current.marketingAt
          : now;
  } else if (input?.marketingAt) {
    return { ok: false, field: "consent.marketingAt", message: "A marketing consent date needs marketing consent" };
  }
  const future =
    consentDateProblem("Consent date", givenAt, now) ?? consentDateProblem("Marketing consent date", marketingAt, now);
  if (future) {
    return {
      ok: false,
      field: future.startsWith("Consent") ? "consent.givenAt" : "consent.marketingAt",
      message: future,
    };
  }
  return { ok: true, consent: { basis, givenAt, source, marketing, marketingAt } };
}

export const NO_CONSENT: ClientConsent = {
  basis: null,
  givenAt: null,
  source: null,
  marketing: false,
  marketingAt: null,
};

/** "2026-03-01" as the start of that day in `zone` (a date picked in a form, a date-only CSV cell). */
export function startOfLocalDay(date: string, zone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  // Where a zone's clocks jump at midnight, the day starts at 01:00.
  for (const time of ["00:00", "01:00"]) {
    const resolved = wallClockToInstant(`${date}T${time}`, zone);
    if (resolved.ok) return resolved.instant;
  }
  return null;
}

/** The list filter: one basis, or "none" (not recorded). */
export const CONSENT_FILTERS = [...CONSENT_BASES, "none"] as const;
export type ConsentFilter = (typeof CONSENT_FILTERS)[number];
