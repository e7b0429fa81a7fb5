import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Link } from "@tanstack/react-router";
import { Building2, GripVertical } from "lucide-react";
import { memo, type ReactNode } from "react";
import type { BoardCard } from "../../lib/clients";
import { cn } from "../../lib/utils";
import { ClientAvatar, StatusBadge, TagList } from "../clients/bits";

export const SortableCard = memo(function SortableCard({ card, disabled }: { card: BoardCard; disabled: boolean }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    disabled,
  });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      {...listeners}
      className={cn("touch-manipulation", isDragging && "opacity-40")}
      data-client-card={card.name}
    >
      <BoardCardBody
        card={card}
        pending={disabled}
        handle={
          <button
            type="button"
            ref={setActivatorNodeRef}
            {...attributes}
            aria-label={`Move ${card.name}`}
            className="-mr-1.5 flex size-7 shrink-0 cursor-grab touch-none items-center justify-center rounded-md text-zinc-300 transition-colors group-hover:text-zinc-500 hover:bg-zinc-100 focus-visible:text-zinc-600 focus-visible:outline-2 focus-visible:outline-indigo-600 active:cursor-grabbing"
          >
            <GripVertical className="size-4" aria-hidden="true" />
          </button>
        }
      />
    </li>
  );
});

export function BoardCardBody({
  card,
  handle,
  overlay,
  tilt,
  pending,
}: {
  card: BoardCard;
  handle?: ReactNode;
  overlay?: boolean;
  tilt?: boolean;
  pending?: boolean;
}) {
  return (
    <div
      className={cn(
        "group relative cursor-grab rounded-lg border border-zinc-200 bg-white p-3 shadow-xs transition-shadow hover:border-zinc-300 hover:shadow-sm",
        overlay && "cursor-grabbing border-indigo-200 shadow-xl ring-1 ring-indigo-500/10",
        overlay && tilt && "rotate-[1.5deg]",
        pending && "opacity-80",
      )}
    >
      <div className="flex items-start gap-2.5">
        <ClientAvatar name={card.name} size="sm" className="mt-0.5" />
        <div className="min-w-0 flex-1">
          {overlay ? (
            <p className="truncate text-sm font-medium text-zinc-900">{card.name}</p>
          ) : (
            <Link
              to="/clients/$clientId"
              params={{ clientId: card.id }}
              className="block truncate text-sm font-medium text-zinc-900 hover:text-indigo-700 hover:underline"
              draggable={false}
            >
              {card.name}
            </Link>
          )}
          {card.company ? (
            <p className="mt-0.5 flex items-center gap-1 truncate text-xs text-zinc-500">
              <Building2 className="size-3 shrink-0 text-zinc-400" aria-hidden="true" />
              <span className="truncate">{card.company}</span>
            </p>
          ) : null}
        </div>
        {handle}
      </div>
      {card.tags.length || card.status !== "active" ? (
        <div className="mt-2.5 flex flex-wrap items-center gap-1.5 pl-[2.375rem]">
          {card.status !== "active" ? <StatusBadge status={card.status} /> : null}
          <TagList tags={card.tags} max={3} />
        </div>
      ) : null}
    </div>
  );
}
