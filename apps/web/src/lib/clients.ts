import { CLIENT_SORTS, type ClientSort, type ClientStatus, formatPhone } from "@crm/shared";
import { useMemo } from "react";
import { useCurrentUser } from "./auth";
import { type RouterOutputs, trpc } from "./trpc";

export type ClientView = RouterOutputs["clients"]["get"];
export type Stage = RouterOutputs["pipeline"]["stages"][number];
export type Board = RouterOutputs["pipeline"]["board"];
export type BoardStage = Board["stages"][number];
export type BoardCard = BoardStage["clients"][number];
export type Note = RouterOutputs["notes"]["list"][number];
export type ActivityItem = RouterOutputs["activity"]["list"]["items"][number];

export const STATUS_LABELS: Record<ClientStatus, string> = {
  active: "Active",
  inactive: "Inactive",
  archived: "Archived",
};

export const STATUS_TONES = { active: "green", inactive: "amber", archived: "neutral" } as const;

export const SORT_LABELS: Record<ClientSort, string> = {
  name: "Name (A–Z)",
  "-name": "Name (Z–A)",
  created: "Oldest first",
  "-created": "Newest first",
  "-updated": "Recently updated",
  updated: "Least recently updated",
  status: "Status (active first)",
  "-status": "Status (archived first)",
};

export const SORT_OPTIONS: readonly ClientSort[] = [
  "name",
  "-name",
  "-created",
  "created",
  "-updated",
  "updated",
  "status",
  "-status",
];

export function isClientSort(value: unknown): value is ClientSort {
  return typeof value === "string" && (CLIENT_SORTS as readonly string[]).includes(value);
}

/** The signed-in user's default phone region (new accounts: US). */
export function usePhoneRegion(): string {
  return useCurrentUser()?.phoneRegion ?? "US";
}

export function useTimeZone(): string | undefined {
  return useCurrentUser()?.timeZone;
}

/** Formats E.164 for this user: national for their region, international otherwise. */
export function usePhoneFormatter(): (e164: string | null | undefined) => string {
  const region = usePhoneRegion();
  return (e164) => formatPhone(e164, region);
}

/** The pipeline's stages, in order, with a lookup by id. */
export function useStages() {
  const query = trpc.pipeline.stages.useQuery(undefined, { staleTime: 60_000 });
  const byId = useMemo(() => new Map((query.data ?? []).map((s) => [s.id, s])), [query.data]);
  return { stages: query.data ?? [], byId, query };
}
