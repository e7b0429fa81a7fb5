import { Link } from "@tanstack/react-router";
import { useId } from "react";
import { cn } from "../../lib/utils";
import { Button } from "../ui/button";
import { type Decision, type DuplicatePolicy, type ImportDraft, REST_DECISION as REST } from "./shared";

const POLICIES: { value: DuplicatePolicy; title: string; description: string }[] = [
  {
    value: "skip",
    title: "Skip them",
    description: "Keep those clients as they are; the rows are not imported.",
  },
  {
    value: "update",
    title: "Update them",
    description: "Fill in what the file has (name, phone, company, tags, notes). Blank cells never erase anything.",
  },
  {
    value: "ask",
    title: "Let me choose",
    description: "Decide for each row below.",
  },
];

export interface DuplicatesProps {
  duplicates: ImportDraft["existingDuplicates"];
  total: number;
  policy: DuplicatePolicy;
  onPolicyChange: (policy: DuplicatePolicy) => void;
  decisions: Record<string, Decision>;
  onDecisionsChange: (decisions: Record<string, Decision>) => void;
  disabled?: boolean;
}

/** Rows whose email belongs to a client you already have, and what to do with them. */
export function Duplicates({
  duplicates,
  total,
  policy,
  onPolicyChange,
  decisions,
  onDecisionsChange,
  disabled,
}: DuplicatesProps) {
  const name = useId();
  const ask = policy === "ask";
  const unlisted = total - duplicates.length;
  const decided =
    duplicates.filter((d) => decisions[String(d.line)]).length + (unlisted > 0 && decisions.rest ? unlisted : 0);

  function setAll(decision: Decision) {
    onDecisionsChange({
      ...Object.fromEntries(duplicates.map((d) => [String(d.line), decision])),
      ...(unlisted > 0 && { [REST]: decision }),
    });
  }

  return (
    <div className="space-y-5">
      <fieldset>
        <legend className="sr-only">What to do with rows that match existing clients</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          {POLICIES.map((p) => (
            <label
              key={p.value}
              className={cn(
                "relative flex cursor-pointer flex-col gap-1 rounded-lg border bg-white p-3.5 text-sm transition-colors",
                "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600",
                policy === p.value
                  ? "border-indigo-500 bg-indigo-50/50 ring-1 ring-indigo-500"
                  : "border-zinc-200 hover:border-zinc-300",
                disabled && "cursor-not-allowed opacity-60",
              )}
            >
              <input
                type="radio"
                name={name}
                value={p.value}
                checked={policy === p.value}
                disabled={disabled}
                onChange={() => onPolicyChange(p.value)}
                className="sr-only"
              />
              <span className="font-medium text-zinc-900">{p.title}</span>
              <span className="text-zinc-500">{p.description}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="overflow-hidden rounded-lg border border-zinc-200">
        {ask ? (
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 bg-zinc-50/80 px-4 py-2">
            <p className="text-sm text-zinc-600" aria-live="polite">
              {decided.toLocaleString()} of {total.toLocaleString()} decided
            </p>
            <div className="flex gap-2">
              <Button variant="ghost" size="sm" onClick={() => setAll("skip")} disabled={disabled}>
                Skip all
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setAll("update")} disabled={disabled}>
                Update all
              </Button>
            </div>
          </div>
        ) : null}
        <ul className="max-h-80 divide-y divide-zinc-100 overflow-y-auto" aria-label="Rows matching existing clients">
          {duplicates.map((d) => {
            const decision = decisions[String(d.line)];
            return (
              <li
                key={d.line}
                data-line={d.line}
                className={cn(
                  "flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2.5 text-sm",
                  ask && !decision && "bg-amber-50/50",
                )}
              >
                <span className="w-16 shrink-0 text-zinc-500 tabular-nums">Line {d.line}</span>
                <span className="min-w-0 flex-1 truncate text-zinc-700" title={d.email}>
                  {d.email}
                </span>
                <Link
                  to="/clients/$clientId"
                  params={{ clientId: d.clientId }}
                  target="_blank"
                  className="min-w-0 max-w-56 truncate font-medium text-indigo-600 hover:text-indigo-700 hover:underline"
                  title={`Open ${d.name} in a new tab`}
                >
                  {d.name}
                </Link>
                {ask ? (
                  <DecisionToggle
                    label={`Line ${d.line}, ${d.email}`}
                    value={decision}
                    disabled={disabled}
                    onChange={(value) => onDecisionsChange({ ...decisions, [String(d.line)]: value })}
                  />
                ) : (
                  <span className="w-[8.5rem] shrink-0 text-right text-xs font-medium text-zinc-500">
                    {policy === "update" ? "Will be updated" : "Will be skipped"}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
        {unlisted > 0 ? (
          <div
            className={cn(
              "flex flex-wrap items-center justify-between gap-2 border-t border-zinc-200 bg-zinc-50/80 px-4 py-2 text-sm text-zinc-500",
              ask && !decisions.rest && "bg-amber-50/50",
            )}
          >
            <p>
              And {unlisted.toLocaleString()} more
              {ask ? ", not listed one by one: decide for all of them together." : "."}
            </p>
            {ask ? (
              <DecisionToggle
                label={`The other ${unlisted} matching rows`}
                value={decisions.rest}
                disabled={disabled}
                onChange={(value) => onDecisionsChange({ ...decisions, [REST]: value })}
              />
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function DecisionToggle({
  label,
  value,
  onChange,
  disabled,
}: {
  label: string;
  value: Decision | undefined;
  onChange: (value: Decision) => void;
  disabled?: boolean;
}) {
  const name = useId();
  return (
    <div
      role="radiogroup"
      aria-label={label}
      className="inline-flex shrink-0 rounded-lg bg-zinc-100 p-0.5 ring-1 ring-zinc-200 ring-inset"
    >
      {(["skip", "update"] as const).map((option) => (
        <label
          key={option}
          className={cn(
            // relative: keeps the sr-only radio inside the scrolled list (else it stretches the page).
            "relative cursor-pointer rounded-md px-3 py-1 text-xs font-medium transition-colors",
            "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600",
            value === option
              ? option === "update"
                ? "bg-indigo-600 text-white shadow-sm"
                : "bg-white text-zinc-900 shadow-sm ring-1 ring-zinc-200"
              : "text-zinc-600 hover:text-zinc-900",
          )}
        >
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            disabled={disabled}
            onChange={() => onChange(option)}
            className="sr-only"
          />
          {option === "skip" ? "Skip" : "Update"}
        </label>
      ))}
    </div>
  );
}
