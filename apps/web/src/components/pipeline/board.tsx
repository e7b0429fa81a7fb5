import {
  type Announcements,
  type CollisionDetection,
  closestCenter,
  DndContext,
  type DragEndEvent,
  type DragOverEvent,
  DragOverlay,
  type DragStartEvent,
  getFirstCollision,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  type UniqueIdentifier,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Link } from "@tanstack/react-router";
import { ArrowLeft, ArrowRight, Building2, GripVertical, MoreHorizontal, Palette, Plus, Trash2 } from "lucide-react";
import { memo, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import type { Board, BoardCard, BoardStage } from "../../lib/clients";
import { errorCode, isStaleVersion, userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { ClientAvatar, StageDot, StatusBadge, TagList } from "../clients/bits";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "../ui/dropdown-menu";
import { useToast } from "../ui/toast";
import { applyMove, type Columns, columnsOf, locate, removeCard, reorderStages, updateCard } from "./board-data";
import { DeleteStageDialog, StageDialog, useBoardInvalidation } from "./stage-dialogs";

const COLUMN_PREFIX = "stage:";
const columnId = (stageId: string) => `${COLUMN_PREFIX}${stageId}`;
const isColumnId = (id: UniqueIdentifier) => String(id).startsWith(COLUMN_PREFIX);
const stageIdOf = (id: UniqueIdentifier) => String(id).slice(COLUMN_PREFIX.length);

const screenReaderInstructions = {
  draggable:
    "To move a client, press Space or Enter on its handle. Use the arrow keys: up and down change its place in the stage, left and right move it to another stage. Press Space or Enter again to drop it, or Escape to cancel.",
};

export function PipelineBoard({ board, onBusyChange }: { board: Board; onBusyChange: (busy: boolean) => void }) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const invalidateBoard = useBoardInvalidation();
  const [dragColumns, setDragColumns] = useState<Columns | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [tilt, setTilt] = useState(true);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const pendingRef = useRef(new Set<string>());
  const [editing, setEditing] = useState<BoardStage | "new" | null>(null);
  const [deleting, setDeleting] = useState<BoardStage | null>(null);
  const origin = useRef<{ stageId: string; index: number } | null>(null);
  const lastOverId = useRef<UniqueIdentifier | null>(null);
  const recentlyMovedToNewContainer = useRef(false);
  const lastCrossing = useRef<{ from: string; to: string; at: number } | null>(null);

  const base = useMemo(() => columnsOf(board), [board]);
  const columns = dragColumns ?? base;
  const columnsRef = useRef(columns);
  columnsRef.current = columns;
  const stageById = useMemo(() => new Map(board.stages.map((s) => [s.id, s])), [board.stages]);
  const cardById = useMemo(() => {
    const map = new Map<string, BoardCard>();
    for (const s of board.stages) for (const c of s.clients) map.set(c.id, c);
    return map;
  }, [board.stages]);

  useEffect(() => onBusyChange(activeId !== null || pending.size > 0), [activeId, pending, onBusyChange]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each drag-time layout change
  useEffect(() => {
    requestAnimationFrame(() => {
      recentlyMovedToNewContainer.current = false;
    });
  }, [dragColumns]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  function findStage(id: UniqueIdentifier, cols: Columns = columnsRef.current): string | null {
    if (isColumnId(id)) return stageIdOf(id);
    return locate(cols, String(id))?.stageId ?? null;
  }

  // Multiple containers: prefer what is under the pointer; over a column, pick its nearest card.
  const collisionDetection: CollisionDetection = (args) => {
    const pointerHits = pointerWithin(args);
    const hits = pointerHits.length > 0 ? pointerHits : rectIntersection(args);
    let overId = getFirstCollision(hits, "id");
    if (overId != null) {
      if (isColumnId(overId)) {
        const cards = columnsRef.current[stageIdOf(overId)] ?? [];
        if (cards.length > 0) {
          const ids = new Set(cards.map((c) => c.id));
          overId =
            closestCenter({
              ...args,
              droppableContainers: args.droppableContainers.filter((c) => ids.has(String(c.id))),
            })[0]?.id ?? overId;
        }
      }
      lastOverId.current = overId;
      return [{ id: overId }];
    }
    if (recentlyMovedToNewContainer.current) lastOverId.current = activeId;
    return lastOverId.current ? [{ id: lastOverId.current }] : [];
  };

  function describePosition(cardId: string, cols: Columns = columnsRef.current): string {
    const at = locate(cols, cardId);
    if (!at) return "";
    const stage = stageById.get(at.stageId);
    return `stage ${stage?.name ?? ""}, position ${at.index + 1} of ${cols[at.stageId]?.length ?? 0}`;
  }

  const nameOf = (id: UniqueIdentifier) => cardById.get(String(id))?.name ?? "Client";

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}, in ${describePosition(String(active.id))}.`,
    onDragOver: ({ active, over }) =>
      over
        ? `${nameOf(active.id)} is now in ${describePosition(String(active.id))}.`
        : `${nameOf(active.id)} is no longer over a stage.`,
    onDragEnd: ({ active, over }) =>
      over
        ? `${nameOf(active.id)} was dropped in ${describePosition(String(active.id))}.`
        : `${nameOf(active.id)} was dropped back where it was.`,
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled; it is back where it was.`,
  };

  function onDragStart({ active, activatorEvent }: DragStartEvent) {
    const id = String(active.id);
    // The keyboard moves by the card's own rectangle: a tilted overlay would skew which card is "next".
    setTilt(!(activatorEvent instanceof KeyboardEvent));
    origin.current = locate(base, id);
    lastOverId.current = null;
    lastCrossing.current = null;
    setActiveId(id);
    setDragColumns(base);
  }

  function onDragOver({ active, over }: DragOverEvent) {
    if (!over) return;
    const cols = columnsRef.current;
    const from = findStage(active.id, cols);
    const to = findStage(over.id, cols);
    if (!from || !to || from === to) return;
    const fromCards = cols[from] ?? [];
    const toCards = cols[to] ?? [];
    const card = fromCards.find((c) => c.id === active.id);
    if (!card) return;
    // A move shifts the layout, which can put the card straight back over where it came from; flipping
    // back and forth within a few frames would loop forever, so a quick return trip waits.
    const now = performance.now();
    const last = lastCrossing.current;
    if (last && last.from === to && last.to === from && now - last.at < 150) return;
    lastCrossing.current = { from, to, at: now };
    let index: number;
    if (isColumnId(over.id)) index = toCards.length;
    else {
      const overIndex = toCards.findIndex((c) => c.id === over.id);
      const below =
        active.rect.current.translated && active.rect.current.translated.top > over.rect.top + over.rect.height / 2;
      index = overIndex >= 0 ? overIndex + (below ? 1 : 0) : toCards.length;
    }
    recentlyMovedToNewContainer.current = true;
    const next = {
      ...cols,
      [from]: fromCards.filter((c) => c.id !== active.id),
      [to]: [...toCards.slice(0, index), card, ...toCards.slice(index)],
    };
    columnsRef.current = next;
    setDragColumns(next);
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    const id = String(active.id);
    let cols = columnsRef.current;
    const stageId = findStage(id, cols);
    if (over && stageId) {
      const overStage = findStage(over.id, cols);
      if (overStage === stageId && !isColumnId(over.id)) {
        const cards = cols[stageId] ?? [];
        const oldIndex = cards.findIndex((c) => c.id === id);
        const newIndex = cards.findIndex((c) => c.id === over.id);
        if (oldIndex !== newIndex && newIndex >= 0) cols = { ...cols, [stageId]: arrayMove(cards, oldIndex, newIndex) };
      }
    }
    const from = origin.current;
    const to = over ? locate(cols, id) : null;
    setActiveId(null);
    setDragColumns(null);
    origin.current = null;
    if (!from || !to || (from.stageId === to.stageId && from.index === to.index)) return;
    void moveCard(id, from, to);
  }

  const move = trpc.pipeline.moveClient.useMutation();

  async function moveCard(
    id: string,
    from: { stageId: string; index: number },
    to: { stageId: string; index: number },
  ) {
    const card = cardById.get(id);
    if (!card) return;
    await utils.pipeline.board.cancel();
    // Optimistic: the card stays where it was dropped while the server agrees.
    utils.pipeline.board.setData(undefined, (b) => (b ? applyMove(b, id, to.stageId, to.index) : b));
    pendingRef.current.add(id);
    setPending(new Set(pendingRef.current));
    try {
      const moved = await move.mutateAsync({
        clientId: id,
        stageId: to.stageId,
        index: to.index,
        version: card.version,
      });
      utils.pipeline.board.setData(undefined, (b) => (b ? updateCard(b, id, { version: moved.version }) : b));
      void utils.clients.invalidate();
      void utils.activity.list.invalidate({ clientId: id });
    } catch (error) {
      if (errorCode(error) === "NOT_FOUND") {
        utils.pipeline.board.setData(undefined, (b) => (b ? removeCard(b, id) : b));
        toast({
          title: "This client no longer exists",
          description: `${card.name} was deleted elsewhere; the board has been updated.`,
          variant: "error",
        });
      } else {
        utils.pipeline.board.setData(undefined, (b) => (b ? applyMove(b, id, from.stageId, from.index) : b));
        toast({
          title: isStaleVersion(error) ? userMessage(error) : `Could not move ${card.name}`,
          description: isStaleVersion(error)
            ? `${card.name} was changed elsewhere, so the move was undone.`
            : `${userMessage(error)} The move was undone.`,
          variant: "error",
          action: isStaleVersion(error) ? { label: "Refresh", onClick: () => void invalidateBoard() } : undefined,
        });
      }
    } finally {
      pendingRef.current.delete(id);
      setPending(new Set(pendingRef.current));
      // Once every move has settled, load the server's truth (and its revision) once.
      if (pendingRef.current.size === 0) void invalidateBoard();
    }
  }

  const reorder = trpc.pipeline.reorderStages.useMutation();
  async function moveStage(stage: BoardStage, delta: -1 | 1) {
    const ids = board.stages.map((s) => s.id);
    const i = ids.indexOf(stage.id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= ids.length) return;
    const next = arrayMove(ids, i, j);
    const previous = utils.pipeline.board.getData();
    utils.pipeline.board.setData(undefined, (b) => (b ? reorderStages(b, next) : b));
    try {
      await reorder.mutateAsync({ stageIds: next });
    } catch (error) {
      if (previous) utils.pipeline.board.setData(undefined, previous);
      toast({ title: "Could not reorder the stages", description: userMessage(error), variant: "error" });
    } finally {
      void invalidateBoard();
    }
  }

  const activeCard = activeId ? cardById.get(activeId) : undefined;

  return (
    <>
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
        accessibility={{ announcements, screenReaderInstructions }}
        onDragStart={onDragStart}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={() => {
          setActiveId(null);
          setDragColumns(null);
          origin.current = null;
        }}
      >
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
          {activeCard ? <CardBody card={activeCard} overlay tilt={tilt} /> : null}
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

const SortableCard = memo(function SortableCard({ card, disabled }: { card: BoardCard; disabled: boolean }) {
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
      <CardBody
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

function CardBody({
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
