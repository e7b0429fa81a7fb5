import type { CoreContext } from "../context";
import type { DataKeyring } from "./data-key";
import { openField, sealField } from "./field-seal";

/**
 * The sensitive free-text fields sealed at rest, named as their additional data names them. Each is
 * stored beside its key version column (null: plain text written before encryption, still read).
 */
export const NOTE_BODY_FIELD = "client_notes.body";
export const BOOKING_NOTES_FIELD = "bookings.notes";

/**
 * The keyring, required: a sensitive value is never written in clear because a context lacks the
 * key (every app passes ctx.dataKeys; test contexts carry a test key).
 */
export function requireKeyring(ctx: Pick<CoreContext, "dataKeys">): DataKeyring {
  if (!ctx.dataKeys) {
    throw new Error(
      "Sealing sensitive text needs the data encryption key (DATA_ENCRYPTION_KEY or the key file), and none was passed",
    );
  }
  return ctx.dataKeys;
}

export function sealNoteBody(ctx: Pick<CoreContext, "dataKeys">, ownerId: string, noteId: string, body: string) {
  const sealed = sealField(requireKeyring(ctx), body, { ownerId, field: NOTE_BODY_FIELD, rowId: noteId });
  return { body: sealed.value, keyVersion: sealed.keyVersion };
}

export function openNoteBody(
  ctx: Pick<CoreContext, "dataKeys">,
  ownerId: string,
  row: { id: string; body: string; keyVersion: number | null },
): string {
  return openField(ctx.dataKeys, row.body, row.keyVersion, { ownerId, field: NOTE_BODY_FIELD, rowId: row.id });
}

/** Booking notes: null stays null (nothing to seal), with a null key version. */
export function sealBookingNotes(
  ctx: Pick<CoreContext, "dataKeys">,
  ownerId: string,
  bookingId: string,
  notes: string | null,
): { notes: string | null; notesKeyVersion: number | null } {
  if (notes === null) return { notes: null, notesKeyVersion: null };
  const sealed = sealField(requireKeyring(ctx), notes, { ownerId, field: BOOKING_NOTES_FIELD, rowId: bookingId });
  return { notes: sealed.value, notesKeyVersion: sealed.keyVersion };
}

export function openBookingNotes(
  ctx: Pick<CoreContext, "dataKeys">,
  ownerId: string,
  row: { id: string; notes: string | null; notesKeyVersion: number | null },
): string | null {
  if (row.notes === null) return null;
  return openField(ctx.dataKeys, row.notes, row.notesKeyVersion, {
    ownerId,
    field: BOOKING_NOTES_FIELD,
    rowId: row.id,
  });
}
