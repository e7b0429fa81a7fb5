import { DndContext, DragOverlay, useDroppable } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { Link } from "@tanstack/react-router";
import { ArrowLeft, ArrowRight, MoreHorizontal, Palette, Plus, Trash2 } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import type { Board, BoardCard, BoardStage } from "../../lib/clients";
import { cn } from "../../lib/utils";
import { StageDot } from "../clients/bits";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "../ui/dropdown-menu";
import { BoardCardBody, SortableCard } from "./board-card";
import { DeleteStageDialog, StageDialog } from "./stage-dialogs";
import { columnId, useBoardDrag } from "./use-board-drag";
import { useBoardMoves } from "./use-board-moves";

export function PipelineBoard({ board, onBusyChange }: { board: Board; onBusyChange: (busy: boolean) => void }) {
  const [editing, setEditing] = useState<BoardStage | "new" | null>(null);
  const [deleting, setDeleting] = useState<BoardStage | null>(null);
  const { pending, moveCard, moveStage } = useBoardMoves(board);
  const { columns, activeCard, activeId, tilt, context } = useBoardDrag(board, (id, from, to) => {
    void moveCard(id, from, to);
  });
  useEffect(() => onBusyChange(activeId !== null || pending.size > 0), [activeId, pending, onBusyChange]);

  return (
    <>
      <DndContext {...context}>
        <div
          className={cn(
            "relative -mx-4 flex snap-x snap-mandatory scroll-px-4 items-start gap-3 overflow-x-auto px-4 pb-6 md:h-[calc(100dvh-12rem)] md:min-h-96 md:items-stretch sm:-mx-6 sm:scroll-px-6 sm:px-6 md:snap-none lg:-mx-10 lg:gap-4 lg:px-10",
          )}
        >
          {board.stages.map((stage, i) => (
            <StageColumn
              key={stage.id}
              stage={stage}
              cards={columns[stage.id] ?? []}
              hidden={stage.count - stage.clients.length}
              first={i === 0}
              last={i === board.stages.length - 1}
              pending={pending}
              activeId={activeId}
              onEdit={() => setEditing(stage)}
              onDelete={() => setDeleting(stage)}
              onMove={(delta) => void moveStage(stage, delta)}
            />
          ))}
          <button
            type="button"
            onClick={() => setEditing("new")}
            className="flex h-24 w-[min(18rem,calc(100vw-4.5rem))] shrink-0 snap-start items-center self-start justify-center gap-2 rounded-xl border-2 border-dashed border-zinc-300 text-sm font-medium text-zinc-500 transition-colors hover:border-indigo-300 hover:bg-indigo-50/50 hover:text-indigo-700 sm:w-72"
          >
            <Plus className="size-4" aria-hidden="true" />
            Add stage
          </button>
        </div>
        <DragOverlay dropAnimation={{ duration: 180, easing: "cubic-bezier(0.2, 0, 0, 1)" }}>
          {activeCard ? <BoardCardBody card={activeCard} overlay tilt={tilt} /> : null}
        </DragOverlay>
      </DndContext>
      <StageDialog
        open={editing !== null}
        onOpenChange={(open) => (open ? null : setEditing(null))}
        stage={editing === "new" ? undefined : (editing ?? undefined)}
      />
      <DeleteStageDialog
        stage={deleting}
        stages={board.stages}
        onOpenChange={(open) => (open ? null : setDeleting(null))}
      />
    </>
  );
}

function StageColumn({
  stage,
  cards,
  hidden,
  first,
  last,
  pending,
  activeId,
  onEdit,
  onDelete,
  onMove,
}: {
  stage: BoardStage;
  cards: BoardCard[];
  hidden: number;
  first: boolean;
  last: boolean;
  pending: ReadonlySet<string>;
  activeId: string | null;
  onEdit: () => void;
  onDelete: () => void;
  onMove: (delta: -1 | 1) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: columnId(stage.id) });
  const headingId = `stage-${stage.id}-heading`;
  const count = cards.length + Math.max(0, hidden);
  const ids = useMemo(() => cards.map((c) => c.id), [cards]);
  const receiving = isOver || (activeId !== null && cards.some((c) => c.id === activeId));

  return (
    <section
      aria-labelledby={headingId}
      className={cn(
        "relative flex w-[min(18rem,calc(100vw-4.5rem))] shrink-0 snap-start flex-col rounded-xl bg-zinc-100/90 ring-1 ring-zinc-200/80 transition-colors sm:w-72",
        receiving && activeId !== null && "bg-indigo-50/70 ring-indigo-200",
      )}
    >
      <header className="flex items-center gap-2 px-3 pt-3 pb-2">
        <StageDot color={stage.color} className="size-3 ring-0" />
        <h2 id={headingId} className="min-w-0 truncate text-sm font-semibold text-zinc-800">
          {stage.name}
        </h2>
        <span className="rounded-full bg-white px-2 py-0.5 text-xs font-medium text-zinc-500 tabular-nums ring-1 ring-zinc-200">
          {count}
          <span className="sr-only"> {count === 1 ? "client" : "clients"}</span>
        </span>
        <DropdownMenu>
          <DropdownMenuTrigger
            className="ml-auto flex size-7 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-200/70 hover:text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-600 data-[state=open]:bg-zinc-200/70 data-[state=open]:text-zinc-700"
            aria-label={`Stage options for ${stage.name}`}
          >
            <MoreHorizontal className="size-4" aria-hidden="true" />
          </DropdownMenuTrigger>
          <DropdownMenuContent>
            <DropdownMenuItem onSelect={onEdit}>
              <Palette aria-hidden="true" />
              Rename or recolor
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => onMove(-1)} disabled={first}>
              <ArrowLeft aria-hidden="true" />
              Move left
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => onMove(1)} disabled={last}>
              <ArrowRight aria-hidden="true" />
              Move right
            </DropdownMenuItem>
            <DropdownMenuSeparator />
            <DropdownMenuItem onSelect={onDelete} destructive>
              <Trash2 aria-hidden="true" />
              Delete stage
            </DropdownMenuItem>
          </DropdownMenuContent>
        </DropdownMenu>
      </header>
      <div className="mx-3 mb-2 h-0.5 rounded-full" style={{ backgroundColor: stage.color }} aria-hidden="true" />
      <div ref={setNodeRef} className="min-h-28 flex-1 overflow-y-auto px-2 pb-2">
        <SortableContext id={stage.id} items={ids} strategy={verticalListSortingStrategy}>
          <ul className="space-y-2" aria-labelledby={headingId}>
            {cards.map((card) => (
              <SortableCard key={card.id} card={card} disabled={pending.has(card.id)} />
            ))}
          </ul>
        </SortableContext>
        {cards.length === 0 ? (
          <div
            className={cn(
              "flex h-24 items-center justify-center rounded-lg border-2 border-dashed text-xs text-zinc-600",
              isOver ? "border-indigo-300 bg-white/60 text-indigo-700" : "border-zinc-300/80",
            )}
          >
            Drop clients here
          </div>
        ) : null}
        {hidden > 0 ? (
          <Link
            to="/clients"
            search={{ stage: stage.id }}
            className="mt-2 block rounded-md px-2 py-1.5 text-center text-xs font-medium text-indigo-600 hover:bg-white"
          >
            + {hidden.toLocaleString()} more in the client list
          </Link>
        ) : null}
      </div>
    </section>
  );
}
