import { CLIENT_STATUSES, type ClientSort, type ClientStatus, CONSENT_FILTERS, type ConsentFilter } from "@crm/shared";
import { isClientSort } from "../../../../lib/clients";

export const PAGE_SIZE = 20;
export const DEFAULT_SORT: ClientSort = "name";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClientsSearch {
  sort?: ClientSort;
  status?: ClientStatus;
  stage?: string;
  tag?: string;
  /** A lawful basis, or "none": not recorded. */
  consent?: ConsentFilter;
  marketing?: "yes" | "no";
  q?: string;
}

/** Sort, filters and search live in the URL, so reload, back and shared links keep them. */
export function validateSearch(search: Record<string, unknown>): ClientsSearch {
  const text = (v: unknown, max: number) =>
    typeof v === "string" && v.trim() ? v.trim().slice(0, max) : typeof v === "number" ? String(v) : undefined;
  return {
    sort: isClientSort(search.sort) && search.sort !== DEFAULT_SORT ? search.sort : undefined,
    status: (CLIENT_STATUSES as readonly unknown[]).includes(search.status)
      ? (search.status as ClientStatus)
      : undefined,
    stage: typeof search.stage === "string" && UUID.test(search.stage) ? search.stage : undefined,
    tag: text(search.tag, 40)?.toLowerCase(),
    consent: (CONSENT_FILTERS as readonly unknown[]).includes(search.consent)
      ? (search.consent as ConsentFilter)
      : undefined,
    marketing: search.marketing === "yes" || search.marketing === "no" ? search.marketing : undefined,
    q: text(search.q, 200),
  };
}

/** Every filter off (the search term stays). */
export const NO_FILTERS = {
  status: undefined,
  stage: undefined,
  tag: undefined,
  consent: undefined,
  marketing: undefined,
} satisfies Partial<ClientsSearch>;

export function hasFilters(search: ClientsSearch): boolean {
  return Boolean(search.status || search.stage || search.tag || search.consent || search.marketing);
}
