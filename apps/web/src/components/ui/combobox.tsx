import { Check, ChevronsUpDown } from "lucide-react";
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { cn } from "../../lib/utils";
import { controlClasses } from "./input";

export interface ComboboxOption {
  value: string;
  label: string;
  /** Secondary text on the right, e.g. a UTC offset. */
  detail?: string;
  /** Extra words to match when searching. */
  keywords?: string;
}

export interface ComboboxProps {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly ComboboxOption[];
  invalid?: boolean;
  "aria-describedby"?: string;
  placeholder?: string;
  emptyMessage?: string;
  disabled?: boolean;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[_/\s-]+/g, " ")
    .trim();

/**
 * A searchable single-choice list following the WAI-ARIA combobox pattern: type to filter, arrow keys
 * to move, Enter to choose, Escape to close. Only choosing an option changes the value.
 */
export function Combobox({
  id: idProp,
  value,
  onChange,
  options,
  invalid,
  "aria-describedby": describedBy,
  placeholder = "Search…",
  emptyMessage = "No matches",
  disabled,
}: ComboboxProps) {
  const autoId = useId();
  const id = idProp ?? autoId;
  const listId = `${id}-listbox`;
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);

  const selected = options.find((o) => o.value === value);
  const index = useMemo(
    () => options.map((o) => ({ option: o, haystack: normalise(`${o.value} ${o.label} ${o.keywords ?? ""}`) })),
    [options],
  );
  const filtered = useMemo(() => {
    const words = normalise(query).split(" ").filter(Boolean);
    if (words.length === 0) return options;
    return index.filter(({ haystack }) => words.every((w) => haystack.includes(w))).map(({ option }) => option);
  }, [index, options, query]);

  function openList() {
    if (disabled || open) return;
    setQuery("");
    const current = options.findIndex((o) => o.value === value);
    setActive(Math.max(current, 0));
    setOpen(true);
  }

  function close() {
    setOpen(false);
    setQuery("");
  }

  function choose(option: ComboboxOption | undefined) {
    if (!option) return;
    onChange(option.value);
    close();
  }

  // Keep the highlighted option in view while moving with the keyboard or after opening.
  useEffect(() => {
    if (!open) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    el?.scrollIntoView({ block: "nearest" });
  }, [active, open]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.min(i + 1, filtered.length - 1));
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.max(i - 1, 0));
        break;
      case "Home":
        if (open) {
          event.preventDefault();
          setActive(0);
        }
        break;
      case "End":
        if (open) {
          event.preventDefault();
          setActive(Math.max(filtered.length - 1, 0));
        }
        break;
      case "Enter":
        if (open) {
          event.preventDefault();
          choose(filtered[active]);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  }

  const activeId = open && filtered[active] ? `${id}-option-${active}` : undefined;

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
        className={cn(controlClasses, "h-10 pr-9")}
        placeholder={open ? (selected?.label ?? placeholder) : placeholder}
        value={open ? query : (selected?.label ?? value)}
        onChange={(e) => {
          let text = e.target.value;
          if (!open) {
            // Typing into the closed field (text selected on focus is replaced; otherwise appended to).
            const shown = selected?.label ?? value;
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
          if (open) close();
          else {
            inputRef.current?.focus();
            openList();
          }
        }}
      >
        <ChevronsUpDown className="size-4" />
      </button>
      {open ? (
        <div
          ref={listRef}
          id={listId}
          role="listbox"
          className="absolute z-30 mt-1.5 max-h-64 w-full overflow-auto rounded-lg border border-zinc-200 bg-white py-1 text-sm shadow-lg ring-1 ring-black/5"
        >
          {filtered.length === 0 ? (
            <div className="px-3 py-2 text-zinc-500">{emptyMessage}</div>
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
                {option.detail ? <span className="shrink-0 text-xs text-zinc-500">{option.detail}</span> : null}
              </div>
            ))
          )}
        </div>
      ) : null}
    </div>
  );
}
