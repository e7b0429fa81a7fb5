import { schema } from "@crm/db";
import { type ClientConsent, clientDisplayName } from "@crm/shared";

const { clients } = schema;

export interface ClientView {
  id: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** E.164; format for display with formatPhone(phone, user.phoneRegion). */
  phone: string | null;
  company: string | null;
  status: "active" | "inactive" | "archived";
  stageId: string | null;
  position: number | null;
  tags: string[];
  source: string | null;
  consent: ClientConsent;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export const viewColumns = {
  id: clients.id,
  firstName: clients.firstName,
  lastName: clients.lastName,
  email: clients.email,
  phone: clients.phone,
  company: clients.company,
  status: clients.status,
  stageId: clients.stageId,
  position: clients.position,
  tags: clients.tags,
  source: clients.source,
  consentBasis: clients.consentBasis,
  consentGivenAt: clients.consentGivenAt,
  consentSource: clients.consentSource,
  marketingConsent: clients.marketingConsent,
  marketingConsentAt: clients.marketingConsentAt,
  version: clients.version,
  createdAt: clients.createdAt,
  updatedAt: clients.updatedAt,
  deletedAt: clients.deletedAt,
};

export type ClientRow = { [K in keyof typeof viewColumns]: (typeof clients.$inferSelect)[K] };

export function toClientView(row: ClientRow): ClientView {
  const { consentBasis, consentGivenAt, consentSource, marketingConsent, marketingConsentAt, ...rest } = row;
  return {
    ...rest,
    name: clientDisplayName(row),
    consent: {
      basis: consentBasis,
      givenAt: consentGivenAt,
      source: consentSource,
      marketing: marketingConsent,
      marketingAt: marketingConsentAt,
    },
  };
}

/** The consent as flat fields, so the activity log records each change as before/after like the others. */
export function consentFields(consent: ClientConsent) {
  return {
    consentBasis: consent.basis,
    consentGivenAt: consent.givenAt,
    consentSource: consent.source,
    marketingConsent: consent.marketing,
    marketingConsentAt: consent.marketingAt,
  };
}
