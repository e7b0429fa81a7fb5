import {
  bookingIcs,
  checkSlot,
  createBooking,
  deleteBooking,
  getBooking,
  listBookings,
  listClientBookings,
  reminderStatus,
  resendReminder,
  transitionBooking,
  updateBooking,
} from "@crm/core";
import {
  bookingCreateInput,
  bookingListInput,
  bookingSlotInput,
  bookingTransitionInput,
  bookingUpdateInput,
  byIdInput,
  clientBookingsInput,
} from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const bookingsRouter = router({
  list: authedProcedure.input(bookingListInput).query(({ ctx, input }) => listBookings(ctx, input)),
  get: authedProcedure.input(byIdInput).query(({ ctx, input }) => getBooking(ctx, input.id)),
  /** Upcoming first, then past: the client page's list. */
  forClient: authedProcedure.input(clientBookingsInput).query(({ ctx, input }) => listClientBookings(ctx, input)),
  /** Lets the form warn before submit; the database stays the authority. */
  checkSlot: authedProcedure.input(bookingSlotInput).query(({ ctx, input }) => checkSlot(ctx, input)),
  create: authedProcedure.input(bookingCreateInput).mutation(({ ctx, input }) => createBooking(ctx, input)),
  update: authedProcedure.input(bookingUpdateInput).mutation(({ ctx, input }) => updateBooking(ctx, input)),
  transition: authedProcedure.input(bookingTransitionInput).mutation(({ ctx, input }) => transitionBooking(ctx, input)),
  delete: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => deleteBooking(ctx, input.id)),
  /** Sends the reminder again now (a new email; idempotent per attempt). */
  resendReminder: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => resendReminder(ctx, input.id)),
  /** The latest reminder of a booking: scheduled, sent, delivered, failed (with reason)... */
  reminder: authedProcedure.input(byIdInput).query(({ ctx, input }) => reminderStatus(ctx, input.id)),
  /** One booking as an .ics file: {filename, content}. */
  ics: authedProcedure.input(byIdInput).query(({ ctx, input }) => bookingIcs(ctx, input.id)),
});
