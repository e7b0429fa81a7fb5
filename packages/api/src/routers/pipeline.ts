import {
  boardRevision,
  createStage,
  deleteStage,
  getBoard,
  listStages,
  moveClient,
  reorderStages,
  updateStage,
} from "@crm/core";
import { moveClientInput, stageCreateInput, stageDeleteInput, stageReorderInput, stageUpdateInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const pipelineRouter = router({
  board: authedProcedure.query(({ ctx }) => getBoard(ctx)),
  /** Cheap: the web polls it to tell the user another tab changed the board. */
  revision: authedProcedure.query(({ ctx }) => boardRevision(ctx)),
  stages: authedProcedure.query(({ ctx }) => listStages(ctx)),
  createStage: authedProcedure.input(stageCreateInput).mutation(({ ctx, input }) => createStage(ctx, input)),
  updateStage: authedProcedure.input(stageUpdateInput).mutation(({ ctx, input }) => updateStage(ctx, input)),
  reorderStages: authedProcedure.input(stageReorderInput).mutation(({ ctx, input }) => reorderStages(ctx, input)),
  deleteStage: authedProcedure.input(stageDeleteInput).mutation(({ ctx, input }) => deleteStage(ctx, input)),
  moveClient: authedProcedure.input(moveClientInput).mutation(({ ctx, input }) => moveClient(ctx, input)),
});
