import { keepPreviousData } from "@tanstack/react-query";
import { Check, ChevronsUpDown, Search } from "lucide-react";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { controlClasses } from "../ui/input";
import { Spinner } from "../ui/spinner";

export interface PickedClient {
  id: string;
  name: string;
}

export interface ClientPickerProps {
  id?: string;
  value: PickedClient | null;
  onChange: (client: PickedClient) => void;
  invalid?: boolean;
  "aria-describedby"?: string;
  disabled?: boolean;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * Chooses a client by searching the server (a few thousand clients do not fit in a list): the same
 * combobox pattern as the time-zone picker, with results fetched as you type.
 */
export function ClientPicker({
  id: idProp,
  value,
  onChange,
  invalid,
  "aria-describedby": describedBy,
  disabled,
}: ClientPickerProps) {
  const autoId = useId();
  const id = idProp ?? autoId;
  const listId = `${id}-listbox`;
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const search = useDebounced(query.trim(), 200);

  const results = trpc.clients.list.useQuery(
    { query: search || undefined, limit: 20 },
    { enabled: open, placeholderData: keepPreviousData },
  );
  const options = (results.data?.items ?? []).map((c) => ({ id: c.id, name: c.name, email: c.email }));

  function openList() {
    if (disabled || open) return;
    setQuery("");
    setActive(0);
    setOpen(true);
  }

  function close() {
    setOpen(false);
    setQuery("");
  }

  function choose(option: (typeof options)[number] | undefined) {
    if (!option) return;
    onChange({ id: option.id, name: option.name });
    close();
  }

  useEffect(() => {
    if (!open) return;
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active, open]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.min(i + 1, options.length - 1));
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) setActive((i) => Math.max(i - 1, 0));
        break;
      case "Enter":
        if (open) {
          event.preventDefault();
          choose(options[active]);
        }
        break;
      case "Escape":
        if (open) {
          // Close the list, not the dialog around it.
          event.preventDefault();
          event.stopPropagation();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  }

  const activeId = open && options[active] ? `${id}-option-${active}` : undefined;
  const loading = open && results.isFetching;

  return (
    <div className="relative">
      <input
        ref={inputRef}
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        className={cn(controlClasses, "h-10 pr-9", !open && value && "font-medium")}
        placeholder={open ? (value?.name ?? "Search clients") : "Search clients"}
        value={open ? query : (value?.name ?? "")}
        onChange={(e) => {
          let text = e.target.value;
          if (!open) {
            const shown = value?.name ?? "";
            if (shown && text.startsWith(shown)) text = text.slice(shown.length);
            openList();
          }
          setQuery(text);
          setActive(0);
        }}
        onFocus={(e) => e.target.select()}
        onClick={openList}
        onKeyDown={onKeyDown}
        onBlur={close}
      />
      <span className="pointer-events-none absolute inset-y-0 right-0 flex w-9 items-center justify-center text-zinc-500">
        {loading ? <Spinner size="sm" label={null} /> : <ChevronsUpDown className="size-4" aria-hidden="true" />}
      </span>
      {open ? (
        <div
          ref={listRef}
          id={listId}
          role="listbox"
          aria-label="Clients"
          className="absolute z-30 mt-1.5 max-h-64 w-full overflow-auto rounded-lg border border-zinc-200 bg-white py-1 text-sm shadow-lg ring-1 ring-black/5"
        >
          {results.isPending ? (
            <div className="px-3 py-2 text-zinc-500">Searching…</div>
          ) : results.isError ? (
            <div className="px-3 py-2 text-red-700">Could not search clients. Try again.</div>
          ) : options.length === 0 ? (
            <div className="flex items-center gap-2 px-3 py-2 text-zinc-500">
              <Search className="size-4" aria-hidden="true" />
              {search ? `No client matches “${search}”` : "No clients yet: add one on the Clients page"}
            </div>
          ) : (
            options.map((option, i) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles the keyboard (aria-activedescendant)
              <div
                key={option.id}
                id={`${id}-option-${i}`}
                data-index={i}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className={cn(
                  "flex cursor-pointer items-center gap-2 px-3 py-2 text-zinc-800",
                  i === active && "bg-indigo-50 text-indigo-900",
                )}
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => setActive(i)}
                onClick={() => choose(option)}
              >
                <Check
                  className={cn("size-4 shrink-0 text-indigo-600", option.id !== value?.id && "invisible")}
                  aria-hidden="true"
                />
                <span className="min-w-0 flex-1 truncate">{option.name}</span>
                {option.email && option.email !== option.name ? (
                  <span className="min-w-0 shrink truncate text-xs text-zinc-500">{option.email}</span>
                ) : null}
              </div>
            ))
          )}
        </div>
      ) : null}
    </div>
  );
}
