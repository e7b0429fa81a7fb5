import {
  CLIENT_STATUSES,
  type ClientSort,
  type ClientStatus,
  CONSENT_BASES,
  CONSENT_BASIS_LABELS,
  type ConsentFilter,
} from "@crm/shared";
import { Search, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "../../../../components/ui/button";
import { Input } from "../../../../components/ui/input";
import { Select } from "../../../../components/ui/select";
import { SORT_LABELS, SORT_OPTIONS, STATUS_LABELS, useStages } from "../../../../lib/clients";
import { trpc } from "../../../../lib/trpc";

import { type ClientsSearch, DEFAULT_SORT, hasFilters, NO_FILTERS } from "./clients-search";

export function Toolbar({
  search,
  sort,
  onChange,
}: {
  search: ClientsSearch;
  sort: ClientSort;
  onChange: (next: Partial<ClientsSearch>, replace?: boolean) => void;
}) {
  const { stages } = useStages();
  const tags = trpc.clients.tags.useQuery();
  const [draft, setDraft] = useState(search.q ?? "");
  const pushed = useRef(search.q ?? "");

  // Back/forward (or a link) changed the search: show it in the box.
  useEffect(() => {
    const q = search.q ?? "";
    if (q !== pushed.current) {
      pushed.current = q;
      setDraft(q);
    }
  }, [search.q]);

  // Typing updates the URL once the user pauses (~300 ms); each pause replaces the history entry.
  useEffect(() => {
    const q = draft.trim();
    if (q === pushed.current) return;
    const timer = window.setTimeout(() => {
      pushed.current = q;
      onChange({ q: q || undefined }, true);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [draft, onChange]);

  const anyFilter = hasFilters(search);

  return (
    // Wide screens: the search and the sort on one line, the filters under them. Phones: one column,
    // the filters two to a row, the sort last (the DOM order, which is also the tab order).
    <div className="mb-4 flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-center">
      <div className="relative sm:order-1 sm:w-72">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
          aria-hidden="true"
        />
        <Input
          type="search"
          aria-label="Search clients"
          placeholder="Name, email or phone…"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && draft) {
              e.preventDefault();
              setDraft("");
            }
          }}
          className="pr-9 pl-9 [&::-webkit-search-cancel-button]:hidden"
        />
        {draft ? (
          <button
            type="button"
            onClick={() => setDraft("")}
            className="absolute top-1/2 right-2 flex size-6 -translate-y-1/2 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
            aria-label="Clear search"
          >
            <X className="size-4" aria-hidden="true" />
          </button>
        ) : null}
      </div>
      <div className="grid grid-cols-2 gap-2 sm:order-4 sm:flex sm:basis-full sm:flex-wrap sm:items-center">
        <Select
          aria-label="Filter by status"
          value={search.status ?? ""}
          onChange={(e) => onChange({ status: (e.target.value || undefined) as ClientStatus | undefined })}
          className="sm:w-36"
        >
          <option value="">All statuses</option>
          {CLIENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Filter by stage"
          value={search.stage ?? ""}
          onChange={(e) => onChange({ stage: e.target.value || undefined })}
          className="sm:w-38"
        >
          <option value="">All stages</option>
          {stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Filter by tag"
          value={search.tag ?? ""}
          onChange={(e) => onChange({ tag: e.target.value || undefined })}
          className="sm:w-32"
        >
          <option value="">All tags</option>
          {search.tag && !tags.data?.includes(search.tag) ? <option value={search.tag}>{search.tag}</option> : null}
          {(tags.data ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Filter by lawful basis"
          value={search.consent ?? ""}
          onChange={(e) => onChange({ consent: (e.target.value || undefined) as ConsentFilter | undefined })}
          className="sm:w-42"
        >
          <option value="">All lawful bases</option>
          {CONSENT_BASES.map((b) => (
            <option key={b} value={b}>
              {CONSENT_BASIS_LABELS[b]}
            </option>
          ))}
          <option value="none">Basis not recorded</option>
        </Select>
        <Select
          aria-label="Filter by marketing consent"
          value={search.marketing ?? ""}
          onChange={(e) => onChange({ marketing: (e.target.value || undefined) as "yes" | "no" | undefined })}
          className="sm:w-48"
        >
          <option value="">Marketing: any</option>
          <option value="yes">Marketing: agreed</option>
          <option value="no">Marketing: not agreed</option>
        </Select>
        {anyFilter ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => onChange(NO_FILTERS)}
            className="col-span-2 justify-self-start sm:col-span-1"
          >
            <X className="size-4" aria-hidden="true" />
            Clear filters
          </Button>
        ) : null}
      </div>
      <Select
        aria-label="Sort by"
        value={sort}
        disabled={Boolean(search.q)}
        title={search.q ? "Search results are sorted by best match" : undefined}
        onChange={(e) =>
          onChange({ sort: e.target.value === DEFAULT_SORT ? undefined : (e.target.value as ClientSort) })
        }
        className="sm:order-2 sm:ml-auto sm:w-52"
      >
        {SORT_OPTIONS.map((s) => (
          <option key={s} value={s}>
            {search.q ? "Best match first" : `Sort: ${SORT_LABELS[s]}`}
          </option>
        ))}
      </Select>
    </div>
  );
}
