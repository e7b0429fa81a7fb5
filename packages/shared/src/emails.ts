import { z } from "zod";
import { idSchema } from "./clients";
import { text } from "./text";

export const emailListInput = z
  .object({ cursor: text().max(200).nullish(), bookingId: idSchema.optional() })
  .default({});

/** Where a page of the Sent emails list ends: the last email's creation time and id. */
export interface EmailCursor {
  createdAt: Date;
  id: string;
}

const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Emails exist only after 1970; an earlier (or far-BC) time is no cursor of ours, and would not cast.
const EARLIEST = Date.UTC(1970, 0, 1);

export function encodeEmailCursor(cursor: EmailCursor): string {
  return `${cursor.createdAt.toISOString()}|${cursor.id}`;
}

/** The cursor's values, or null when it does not decode to a valid instant and id. */
export function decodeEmailCursor(raw: string): EmailCursor | null {
  const [at, id, ...rest] = raw.split("|");
  if (rest.length > 0 || !at || !id || !CURSOR_INSTANT.test(at) || !CURSOR_ID.test(id)) return null;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at || createdAt.getTime() < EARLIEST) {
    return null;
  }
  return { createdAt, id };
}
