import { Check, ChevronsUpDown } from "lucide-react";
import { type KeyboardEvent, type ReactNode, type Ref, useEffect, useId, useMemo, useRef, useState } from "react";
import { cn } from "../../lib/utils";
import { controlClasses } from "./input";
import { Spinner } from "./spinner";

export interface ComboboxOption {
  value: string;
  label: string;
  /** Secondary text on the right, e.g. a UTC offset or an email. */
  detail?: string | undefined;
  /** Extra words to match when searching. */
  keywords?: string;
}

export interface ComboboxProps {
  id?: string;
  ref?: Ref<HTMLInputElement>;
  value: string;
  onChange: (value: string, option: ComboboxOption) => void;
  options: readonly ComboboxOption[];
  /** Shown while closed when the chosen value is not among `options` (results of a server search). */
  selectedLabel?: string | undefined;
  /** The caller searches (e.g. on the server) and passes the results as `options`; nothing is filtered here. */
  onQueryChange?: (query: string) => void;
  onOpenChange?: (open: boolean) => void;
  /** Shown in the list instead of the options (searching, could not search). */
  status?: ReactNode;
  loading?: boolean;
  invalid?: boolean;
  "aria-describedby"?: string;
  /** Names the list for screen readers. */
  listLabel?: string;
  placeholder?: string;
  emptyMessage?: ReactNode;
  disabled?: boolean;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[_/\s-]+/g, " ")
    .trim();

function useLocalFilter(options: readonly ComboboxOption[], query: string, enabled: boolean) {
  const index = useMemo(
    () => options.map((o) => ({ option: o, haystack: normalise(`${o.value} ${o.label} ${o.keywords ?? ""}`) })),
    [options],
  );
  return useMemo(() => {
    const words = normalise(query).split(" ").filter(Boolean);
    if (!enabled || words.length === 0) return options;
    return index.filter(({ haystack }) => words.every((w) => haystack.includes(w))).map(({ option }) => option);
  }, [index, options, query, enabled]);
}

/** Where a movement key takes the highlight in a list of `count` options, or null for other keys. */
function nextActive(key: string, active: number, count: number): number | null {
  const last = Math.max(count - 1, 0);
  if (key === "ArrowDown") return Math.min(active + 1, last);
  if (key === "ArrowUp") return Math.max(active - 1, 0);
  if (key === "Home") return 0;
  if (key === "End") return last;
  return null;
}

/**
 * A searchable single-choice list following the WAI-ARIA combobox pattern: type to filter, arrow keys
 * to move, Enter to choose, Escape to close. Only choosing an option changes the value. Radix has no
 * combobox, so this is the kit's own; the time-zone field and the client picker both use it.
 */
export function Combobox(props: ComboboxProps) {
  const { value, options, onChange, onQueryChange, onOpenChange, disabled, placeholder = "Search…" } = props;
  const autoId = useId();
  const id = props.id ?? autoId;
  const listId = `${id}-listbox`;
  const inputRef = useRef<HTMLInputElement | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [open, setOpenState] = useState(false);
  const [query, setQueryState] = useState("");
  const [active, setActive] = useState(0);
  const filtered = useLocalFilter(options, query, !onQueryChange);
  const shown = options.find((o) => o.value === value)?.label ?? props.selectedLabel ?? value;

  function setOpen(next: boolean) {
    setOpenState(next);
    onOpenChange?.(next);
  }
  function setQuery(next: string) {
    setQueryState(next);
    onQueryChange?.(next);
  }
  function openList() {
    if (disabled || open) return;
    setQuery("");
    setActive(
      Math.max(
        options.findIndex((o) => o.value === value),
        0,
      ),
    );
    setOpen(true);
  }
  function close() {
    setOpen(false);
    setQuery("");
  }
  function choose(option: ComboboxOption | undefined) {
    if (!option) return;
    onChange(option.value, option);
    close();
  }

  // Keep the highlighted option in view while moving with the keyboard or after opening.
  useEffect(() => {
    if (!open) return;
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active, open]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const next = nextActive(event.key, active, filtered.length);
    if (next !== null && (open || event.key.startsWith("Arrow"))) {
      event.preventDefault();
      if (open) setActive(next);
      else openList();
    } else if (event.key === "Enter" && open) {
      event.preventDefault();
      choose(filtered[active]);
    } else if (event.key === "Escape" && open) {
      // The dialog around the field leaves this Escape to the list (see DialogContent).
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      close();
    }
  }

  return (
    <div className="relative">
      <input
        ref={(node) => {
          inputRef.current = node;
          if (typeof props.ref === "function") props.ref(node);
          else if (props.ref) props.ref.current = node;
        }}
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && filtered[active] ? `${id}-option-${active}` : undefined}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props["aria-describedby"]}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        className={cn(controlClasses, "h-10 pr-9")}
        placeholder={open ? shown || placeholder : placeholder}
        value={open ? query : shown}
        onChange={(e) => {
          let text = e.target.value;
          if (!open) {
            // Typing into the closed field (text selected on focus is replaced; otherwise appended to).
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
      <button
        type="button"
        tabIndex={-1}
        aria-hidden="true"
        disabled={disabled}
        className="absolute inset-y-0 right-0 flex w-9 items-center justify-center text-zinc-500"
        onMouseDown={(e) => {
          e.preventDefault();
          if (open) return close();
          inputRef.current?.focus();
          openList();
        }}
      >
        {open && props.loading ? <Spinner size="sm" label={null} /> : <ChevronsUpDown className="size-4" />}
      </button>
      {open ? (
        <div
          ref={listRef}
          id={listId}
          role="listbox"
          aria-label={props.listLabel}
          className="absolute z-30 mt-1.5 max-h-64 w-full overflow-auto rounded-lg border border-zinc-200 bg-white py-1 text-sm shadow-lg ring-1 ring-black/5"
        >
          {props.status ? (
            <div className="px-3 py-2 text-zinc-500">{props.status}</div>
          ) : filtered.length === 0 ? (
            <div className="px-3 py-2 text-zinc-500">{props.emptyMessage ?? "No matches"}</div>
          ) : (
            filtered.map((option, i) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles the keyboard (aria-activedescendant)
              <div
                key={option.value}
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
                  className={cn("size-4 shrink-0 text-indigo-600", option.value !== value && "invisible")}
                  aria-hidden="true"
                />
                <span className="min-w-0 flex-1 truncate">{option.label}</span>
                {option.detail ? (
                  <span className="max-w-[50%] shrink-0 truncate text-xs text-zinc-500">{option.detail}</span>
                ) : null}
              </div>
            ))
          )}
        </div>
      ) : null}
    </div>
  );
}
