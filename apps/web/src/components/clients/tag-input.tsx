import { X } from "lucide-react";
import { type KeyboardEvent, useId, useState } from "react";
import { cn } from "../../lib/utils";

export interface TagInputProps {
  id?: string;
  value: string[];
  onChange: (tags: string[]) => void;
  suggestions?: readonly string[];
  invalid?: boolean;
  "aria-describedby"?: string;
  placeholder?: string;
}

/** Tags as removable chips: type and press Enter or comma to add one, Backspace to remove the last. */
export function TagInput({
  id,
  value,
  onChange,
  suggestions = [],
  invalid,
  "aria-describedby": describedBy,
  placeholder = "Add a tag…",
}: TagInputProps) {
  const [draft, setDraft] = useState("");
  const listId = useId();

  function add(raw: string) {
    const tags = raw
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    if (tags.length === 0) return;
    onChange([...new Set([...value, ...tags])]);
    setDraft("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      if (draft.trim()) {
        event.preventDefault();
        add(draft);
      } else if (event.key === ",") event.preventDefault();
    } else if (event.key === "Backspace" && draft === "" && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div
      className={cn(
        "flex min-h-10 w-full flex-wrap items-center gap-1.5 rounded-lg border border-zinc-300 bg-white px-2 py-1.5 shadow-xs transition-colors",
        "focus-within:border-indigo-500 focus-within:ring-3 focus-within:ring-indigo-500/20",
        invalid && "border-red-500 focus-within:border-red-500 focus-within:ring-red-500/20",
      )}
    >
      {value.map((tag) => (
        <span
          key={tag}
          className="inline-flex items-center gap-0.5 rounded-md bg-indigo-50 py-0.5 pr-0.5 pl-2 text-xs font-medium text-indigo-700 ring-1 ring-indigo-200 ring-inset"
        >
          {tag}
          <button
            type="button"
            onClick={() => onChange(value.filter((t) => t !== tag))}
            className="rounded p-0.5 text-indigo-400 hover:bg-indigo-100 hover:text-indigo-700"
            aria-label={`Remove tag ${tag}`}
          >
            <X className="size-3" aria-hidden="true" />
          </button>
        </span>
      ))}
      <input
        id={id}
        type="text"
        list={suggestions.length ? listId : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        value={draft}
        onChange={(e) => {
          const text = e.target.value;
          // A suggestion picked from the list, or a pasted "a, b" list, is added at once.
          if (text.includes(",") || (suggestions.includes(text) && !draft.includes(text))) add(text);
          else setDraft(text);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => add(draft)}
        placeholder={value.length ? "" : placeholder}
        className="h-7 min-w-24 flex-1 bg-transparent px-1 text-sm text-zinc-900 placeholder:text-zinc-400 focus:outline-none"
      />
      {suggestions.length ? (
        <datalist id={listId}>
          {suggestions
            .filter((s) => !value.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
      ) : null}
    </div>
  );
}
