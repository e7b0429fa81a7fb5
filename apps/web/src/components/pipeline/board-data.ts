import type { Board, BoardCard } from "../../lib/clients";

export type Columns = Record<string, BoardCard[]>;

export function columnsOf(board: Board): Columns {
  return Object.fromEntries(board.stages.map((s) => [s.id, s.clients]));
}

/** Where a card is: its stage and index. */
export function locate(columns: Columns, cardId: string): { stageId: string; index: number } | null {
  for (const [stageId, cards] of Object.entries(columns)) {
    const index = cards.findIndex((c) => c.id === cardId);
    if (index >= 0) return { stageId, index };
  }
  return null;
}

/** The board with one card moved to `index` of a stage (counts follow). */
export function applyMove(board: Board, cardId: string, toStageId: string, index: number): Board {
  let card: BoardCard | undefined;
  const without = board.stages.map((s) => {
    const found = s.clients.find((c) => c.id === cardId);
    if (!found) return s;
    card = found;
    return { ...s, count: s.count - 1, clients: s.clients.filter((c) => c.id !== cardId) };
  });
  if (!card) return board;
  const moved = card;
  return {
    ...board,
    stages: without.map((s) => {
      if (s.id !== toStageId) return s;
      const clients = [...s.clients];
      clients.splice(Math.min(index, clients.length), 0, moved);
      return { ...s, count: s.count + 1, clients };
    }),
  };
}

export function updateCard(board: Board, cardId: string, patch: Partial<BoardCard>): Board {
  return {
    ...board,
    stages: board.stages.map((s) =>
      s.clients.some((c) => c.id === cardId)
        ? { ...s, clients: s.clients.map((c) => (c.id === cardId ? { ...c, ...patch } : c)) }
        : s,
    ),
  };
}

export function removeCard(board: Board, cardId: string): Board {
  return {
    ...board,
    stages: board.stages.map((s) =>
      s.clients.some((c) => c.id === cardId)
        ? { ...s, count: s.count - 1, clients: s.clients.filter((c) => c.id !== cardId) }
        : s,
    ),
  };
}

export function reorderStages(board: Board, stageIds: string[]): Board {
  const byId = new Map(board.stages.map((s) => [s.id, s]));
  const stages = stageIds.map((id, position) => ({ ...byId.get(id)!, position })).filter((s) => s.id);
  return { ...board, stages };
}
