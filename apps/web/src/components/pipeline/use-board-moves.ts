import { arrayMove } from "@dnd-kit/sortable";
import { useMemo, useRef, useState } from "react";
import type { Board, BoardCard, BoardStage } from "../../lib/clients";
import { errorCode, isStaleVersion, userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useToast } from "../ui/toast";
import { applyMove, removeCard, reorderStages, updateCard } from "./board-data";
import { useBoardInvalidation } from "./stage-dialogs";

import type { Place } from "./use-board-drag";

/**
 * Moving a card and reordering stages, both optimistic: the board changes at once, the server is asked,
 * and a refusal puts things back with a notice. `pending` holds the cards whose move is under way.
 */
export function useBoardMoves(board: Board) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const invalidateBoard = useBoardInvalidation();
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const pendingRef = useRef(new Set<string>());
  const cardById = useMemo(() => {
    const map = new Map<string, BoardCard>();
    for (const s of board.stages) for (const c of s.clients) map.set(c.id, c);
    return map;
  }, [board.stages]);

  const move = trpc.pipeline.moveClient.useMutation();

  async function moveCard(id: string, from: Place, to: Place) {
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

  return { pending, moveCard, moveStage };
}
