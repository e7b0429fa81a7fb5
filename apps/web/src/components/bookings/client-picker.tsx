import { keepPreviousData } from "@tanstack/react-query";
import { type Ref, useState } from "react";
import { trpc } from "../../lib/trpc";
import { useDebounced } from "../../lib/use-debounced";
import { Combobox } from "../ui/combobox";

export interface PickedClient {
  id: string;
  name: string;
}

export interface ClientPickerProps {
  id?: string;
  ref?: Ref<HTMLInputElement>;
  value: PickedClient | null;
  onChange: (client: PickedClient) => void;
  invalid?: boolean;
  "aria-describedby"?: string;
  disabled?: boolean;
}

/** Chooses a client by searching the server as you type: a few thousand clients do not fit in a list. */
export function ClientPicker({ value, onChange, ...field }: ClientPickerProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const search = useDebounced(query.trim(), 200);
  const results = trpc.clients.list.useQuery(
    { query: search || undefined, limit: 20 },
    { enabled: open, placeholderData: keepPreviousData },
  );
  const options = (results.data?.items ?? []).map((c) => ({
    value: c.id,
    label: c.name,
    detail: c.email && c.email !== c.name ? c.email : undefined,
  }));

  return (
    <Combobox
      {...field}
      value={value?.id ?? ""}
      selectedLabel={value?.name}
      onChange={(id, option) => onChange({ id, name: option.label })}
      options={options}
      onQueryChange={setQuery}
      onOpenChange={setOpen}
      loading={results.isFetching}
      status={results.isPending ? "Searching…" : results.isError ? "Could not search clients. Try again." : undefined}
      listLabel="Clients"
      placeholder="Search clients"
      emptyMessage={search ? `No client matches “${search}”` : "No clients yet: add one on the Clients page"}
    />
  );
}
