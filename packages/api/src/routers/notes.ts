import { createNote, deleteNote, listNotes, updateNote } from "@crm/core";
import { byIdInput, noteCreateInput, noteListInput, noteUpdateInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const notesRouter = router({
  list: authedProcedure.input(noteListInput).query(({ ctx, input }) => listNotes(ctx, input)),
  create: authedProcedure.input(noteCreateInput).mutation(({ ctx, input }) => createNote(ctx, input)),
  update: authedProcedure.input(noteUpdateInput).mutation(({ ctx, input }) => updateNote(ctx, input)),
  delete: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => deleteNote(ctx, input.id)),
});
