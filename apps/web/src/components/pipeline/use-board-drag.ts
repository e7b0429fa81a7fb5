import {
  type Announcements,
  type CollisionDetection,
  closestCenter,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  getFirstCollision,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  type UniqueIdentifier,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { arrayMove, sortableKeyboardCoordinates } from "@dnd-kit/sortable";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Board, BoardCard } from "../../lib/clients";
import { type Columns, columnsOf, locate } from "./board-data";

const COLUMN_PREFIX = "stage:";
export const columnId = (stageId: string) => `${COLUMN_PREFIX}${stageId}`;
const isColumnId = (id: UniqueIdentifier) => String(id).startsWith(COLUMN_PREFIX);
const stageIdOf = (id: UniqueIdentifier) => String(id).slice(COLUMN_PREFIX.length);

const screenReaderInstructions = {
  draggable:
    "To move a client, press Space or Enter on its handle. Use the arrow keys: up and down change its place in the stage, left and right move it to another stage. Press Space or Enter again to drop it, or Escape to cancel.",
};

export interface Place {
  stageId: string;
  index: number;
}

/**
 * The board's drag and drop (pointer and keyboard) across stages: the columns as they look mid-drag,
 * the card being dragged, and what DndContext needs. A drop that changes a card's place calls `onMove`.
 */
export function useBoardDrag(board: Board, onMove: (id: string, from: Place, to: Place) => void) {
  const [dragColumns, setDragColumns] = useState<Columns | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [tilt, setTilt] = useState(true);
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
    onMove(id, from, to);
  }

  function onDragCancel() {
    setActiveId(null);
    setDragColumns(null);
    origin.current = null;
  }

  return {
    columns,
    activeCard: activeId ? cardById.get(activeId) : undefined,
    activeId,
    tilt,
    context: {
      sensors,
      collisionDetection,
      measuring: { droppable: { strategy: MeasuringStrategy.Always } },
      accessibility: { announcements, screenReaderInstructions },
      onDragStart,
      onDragOver,
      onDragEnd,
      onDragCancel,
    },
  };
}
