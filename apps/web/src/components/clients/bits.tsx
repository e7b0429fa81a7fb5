import type { ClientStatus } from "@crm/shared";
import { STATUS_LABELS, STATUS_TONES } from "../../lib/clients";
import { initialsOf } from "../../lib/format";
import { cn } from "../../lib/utils";
import { Badge } from "../ui/badge";

export function StatusBadge({ status, className }: { status: ClientStatus; className?: string }) {
  return (
    <Badge tone={STATUS_TONES[status]} className={className}>
      <span
        className={cn(
          "size-1.5 rounded-full",
          status === "active" ? "bg-emerald-500" : status === "inactive" ? "bg-amber-500" : "bg-zinc-400",
        )}
        aria-hidden="true"
      />
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function StageDot({ color, className }: { color: string; className?: string }) {
  return (
    <span
      className={cn("inline-block size-2.5 shrink-0 rounded-full ring-2 ring-white", className)}
      style={{ backgroundColor: color }}
      aria-hidden="true"
    />
  );
}

export function StageLabel({ stage }: { stage: { name: string; color: string } | undefined | null }) {
  if (!stage) return <span className="text-zinc-500">Not in pipeline</span>;
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5 text-zinc-700">
      <StageDot color={stage.color} className="ring-0" />
      <span className="truncate">{stage.name}</span>
    </span>
  );
}

export function TagList({ tags, max = 3, className }: { tags: readonly string[]; max?: number; className?: string }) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, max);
  const rest = tags.length - shown.length;
  return (
    <ul className={cn("flex flex-wrap gap-1", className)} aria-label="Tags">
      {shown.map((tag) => (
        <li
          key={tag}
          className="max-w-32 truncate rounded-md bg-zinc-100 px-1.5 py-0.5 text-xs font-medium text-zinc-600 ring-1 ring-zinc-200/70 ring-inset"
        >
          {tag}
        </li>
      ))}
      {rest > 0 ? (
        <li className="rounded-md px-1 py-0.5 text-xs font-medium text-zinc-500" title={tags.slice(max).join(", ")}>
          +{rest}
        </li>
      ) : null}
    </ul>
  );
}

const avatarTones = [
  "bg-indigo-100 text-indigo-700",
  "bg-sky-100 text-sky-700",
  "bg-emerald-100 text-emerald-700",
  "bg-amber-100 text-amber-800",
  "bg-rose-100 text-rose-700",
  "bg-violet-100 text-violet-700",
  "bg-teal-100 text-teal-700",
];

function toneFor(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return avatarTones[Math.abs(hash) % avatarTones.length]!;
}

export function ClientAvatar({
  name,
  size = "md",
  className,
}: {
  name: string;
  size?: "sm" | "md" | "lg";
  className?: string;
}) {
  return (
    <span
      className={cn(
        "flex shrink-0 items-center justify-center rounded-full font-semibold",
        size === "sm" ? "size-7 text-[11px]" : size === "md" ? "size-9 text-xs" : "size-14 text-lg",
        toneFor(name),
        className,
      )}
      aria-hidden="true"
    >
      {initialsOf(name)}
    </span>
  );
}
