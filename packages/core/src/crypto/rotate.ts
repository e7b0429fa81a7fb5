import { schema } from "@crm/db";
import { type AnyColumn, and, asc, eq, gt, isNotNull, ne, notLike, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import { inTransaction } from "../transaction";
import { DataKeyError, type DataKeyring, openData, sealData, sealedVersion } from "./data-key";
import { openField, sealField } from "./field-seal";
import { BOOKING_NOTES_FIELD, NOTE_BODY_FIELD, requireKeyring } from "./sensitive";

const { clientNotes, bookings, users, activityLogs, encryptionKeys } = schema;

/** One stored sensitive value as rotation sees it. */
interface StoredValue {
  id: string;
  ownerId: string;
  value: string;
  /** The key version it is sealed with; null: plain text. */
  version: number | null;
}

/** Where one kind of sealed value lives and how it is opened, sealed and written back. */
interface SealedColumn {
  field: string;
  /** Values not at the current version, after `after` in id order. */
  next(ctx: CoreContext, current: number, after: string | null, limit: number): Promise<StoredValue[]>;
  open(keys: DataKeyring, row: StoredValue): string;
  seal(keys: DataKeyring, plaintext: string, row: StoredValue): { value: string; version: number };
  /** Writes the re-sealed value only if the row still holds what was read; false: changed meanwhile. */
  write(ctx: CoreContext, row: StoredValue, sealed: { value: string; version: number }): Promise<boolean>;
  remaining(ctx: CoreContext, current: number): Promise<number>;
}

const after = (column: AnyColumn, id: string | null) => (id === null ? undefined : gt(column, id));
const sameVersion = (column: AnyColumn, version: number | null) => sql`${column} is not distinct from ${version}`;
const notCurrent = (column: AnyColumn, current: number) => sql`${column} is distinct from ${current}`;

const noteBodies: SealedColumn = {
  field: NOTE_BODY_FIELD,
  next: (ctx, current, from, limit) =>
    ctx.db
      .select({
        id: clientNotes.id,
        ownerId: clientNotes.userId,
        value: clientNotes.body,
        version: clientNotes.keyVersion,
      })
      .from(clientNotes)
      .where(and(notCurrent(clientNotes.keyVersion, current), after(clientNotes.id, from)))
      .orderBy(asc(clientNotes.id))
      .limit(limit),
  open: (keys, row) =>
    openField(keys, row.value, row.version, { ownerId: row.ownerId, field: NOTE_BODY_FIELD, rowId: row.id }),
  seal: (keys, text, row) => {
    const sealed = sealField(keys, text, { ownerId: row.ownerId, field: NOTE_BODY_FIELD, rowId: row.id });
    return { value: sealed.value, version: sealed.keyVersion };
  },
  async write(ctx, row, sealed) {
    // Neither version nor updated_at moves: the text is the same, and an edit in progress keeps its version.
    const updated = await ctx.db
      .update(clientNotes)
      .set({ body: sealed.value, keyVersion: sealed.version })
      .where(
        and(
          eq(clientNotes.id, row.id),
          sameVersion(clientNotes.keyVersion, row.version),
          eq(clientNotes.body, row.value),
        ),
      )
      .returning({ id: clientNotes.id });
    return updated.length > 0;
  },
  async remaining(ctx, current) {
    const [row] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(clientNotes)
      .where(notCurrent(clientNotes.keyVersion, current));
    return row?.n ?? 0;
  },
};

const bookingNotes: SealedColumn = {
  field: BOOKING_NOTES_FIELD,
  next: (ctx, current, from, limit) =>
    ctx.db
      .select({
        id: bookings.id,
        ownerId: bookings.userId,
        value: sql<string>`${bookings.notes}`,
        version: bookings.notesKeyVersion,
      })
      .from(bookings)
      .where(and(isNotNull(bookings.notes), notCurrent(bookings.notesKeyVersion, current), after(bookings.id, from)))
      .orderBy(asc(bookings.id))
      .limit(limit),
  open: (keys, row) =>
    openField(keys, row.value, row.version, { ownerId: row.ownerId, field: BOOKING_NOTES_FIELD, rowId: row.id }),
  seal: (keys, text, row) => {
    const sealed = sealField(keys, text, { ownerId: row.ownerId, field: BOOKING_NOTES_FIELD, rowId: row.id });
    return { value: sealed.value, version: sealed.keyVersion };
  },
  async write(ctx, row, sealed) {
    // change_seq stays: Google already has these notes as text, nothing to push.
    const updated = await ctx.db
      .update(bookings)
      .set({ notes: sealed.value, notesKeyVersion: sealed.version })
      .where(
        and(eq(bookings.id, row.id), sameVersion(bookings.notesKeyVersion, row.version), eq(bookings.notes, row.value)),
      )
      .returning({ id: bookings.id });
    return updated.length > 0;
  },
  async remaining(ctx, current) {
    const [row] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(bookings)
      .where(and(isNotNull(bookings.notes), notCurrent(bookings.notesKeyVersion, current)));
    return row?.n ?? 0;
  },
};

/** Two-factor secrets: sealed with the owner's id as additional data, the version in the value's prefix. */
const twoFactorSecrets: SealedColumn = {
  field: "users.two_factor_secret",
  next: async (ctx, current, from, limit) => {
    const rows = await ctx.db
      .select({ id: users.id, value: sql<string>`${users.twoFactorSecret}` })
      .from(users)
      .where(
        and(isNotNull(users.twoFactorSecret), notLike(users.twoFactorSecret, `k${current}.%`), after(users.id, from)),
      )
      .orderBy(asc(users.id))
      .limit(limit);
    return rows.map((r) => ({ id: r.id, ownerId: r.id, value: r.value, version: sealedVersion(r.value) }));
  },
  open: (keys, row) => openData(keys, row.value, row.ownerId),
  seal: (keys, text, row) => ({ value: sealData(keys, text, row.ownerId), version: keys.current.version }),
  async write(ctx, row, sealed) {
    const updated = await ctx.db
      .update(users)
      .set({ twoFactorSecret: sealed.value })
      .where(and(eq(users.id, row.id), eq(users.twoFactorSecret, row.value)))
      .returning({ id: users.id });
    return updated.length > 0;
  },
  async remaining(ctx, current) {
    const [row] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(isNotNull(users.twoFactorSecret), notLike(users.twoFactorSecret, `k${current}.%`)));
    return row?.n ?? 0;
  },
};

export const SEALED_COLUMNS: readonly SealedColumn[] = [noteBodies, bookingNotes, twoFactorSecrets];

export interface RotationProgress {
  field: string;
  resealed: number;
  /** Edited by someone else between the read and the write: left to the next pass. */
  changedMeanwhile: number;
}

export interface RotationResult {
  currentVersion: number;
  resealed: Record<string, number>;
  /** Values that would not open (tampered, moved, or sealed with a key not loaded): never overwritten. */
  unreadable: { field: string; id: string; reason: string }[];
  /** Values still not at the current version after the last pass (0 when done). */
  remaining: number;
  /** Activity entries that held note text from before encryption, now without it. */
  activityScrubbed: number;
  /** Key versions marked retired by this run. */
  retired: number[];
}

export interface RotationOptions {
  /** Rows per batch (one short transaction each). */
  batchSize?: number;
  /** Wait before the final pass, so processes that pick up a new key file late are caught (ms). */
  settleMs?: number;
  /** Passes at most (each pass restarts from the first row and catches what changed meanwhile). */
  maxPasses?: number;
  onProgress?: (progress: RotationProgress) => void;
}

/**
 * Re-seals every sensitive value not at the current key version (plain text from before encryption
 * included) with the current key: small batches in id order, each in a short transaction, each
 * write conditional on the row still holding what was read, so an edit made meanwhile is never
 * overwritten (it was sealed with a loaded key; the next pass sees it). Safe to stop at any point
 * and run again. When nothing is left at an older version and nothing was unreadable, older key
 * versions are marked retired. Readers keep working throughout: every loaded version opens.
 */
export async function rotateSealedData(ctx: CoreContext, options: RotationOptions = {}): Promise<RotationResult> {
  const keys = requireKeyring(ctx);
  const current = keys.current.version;
  const batchSize = options.batchSize ?? 200;
  const maxPasses = options.maxPasses ?? 5;
  const resealed: Record<string, number> = {};
  const unreadable = new Map<string, { field: string; id: string; reason: string }>();

  const pass = async (): Promise<number> => {
    let touched = 0;
    for (const column of SEALED_COLUMNS) {
      let from: string | null = null;
      for (;;) {
        const rows = await column.next(ctx, current, from, batchSize);
        if (rows.length === 0) break;
        from = rows[rows.length - 1]!.id;
        const progress = await inTransaction(ctx, async (tx) => {
          const counts: RotationProgress = { field: column.field, resealed: 0, changedMeanwhile: 0 };
          for (const row of rows) {
            let plaintext: string;
            try {
              plaintext = column.open(keys, row);
            } catch (error) {
              if (!(error instanceof DataKeyError)) throw error;
              unreadable.set(`${column.field}:${row.id}`, { field: column.field, id: row.id, reason: error.message });
              continue;
            }
            if (await column.write(tx, row, column.seal(keys, plaintext, row))) counts.resealed += 1;
            else counts.changedMeanwhile += 1;
          }
          return counts;
        });
        resealed[column.field] = (resealed[column.field] ?? 0) + progress.resealed;
        touched += progress.resealed + progress.changedMeanwhile;
        options.onProgress?.(progress);
      }
    }
    return touched;
  };

  for (let passes = 0; passes < maxPasses; passes++) {
    if ((await pass()) === 0) break;
  }
  if (options.settleMs) {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    for (let passes = 0; passes < maxPasses; passes++) {
      if ((await pass()) === 0) break;
    }
  }
  const activityScrubbed = await scrubNoteTextFromActivity(ctx, batchSize * 5);
  let remaining = 0;
  for (const column of SEALED_COLUMNS) remaining += await column.remaining(ctx, current);
  const retired =
    remaining === 0 && unreadable.size === 0
      ? (
          await ctx.db
            .update(encryptionKeys)
            .set({ retiredAt: ctx.clock.now() })
            .where(and(ne(encryptionKeys.version, current), sql`${encryptionKeys.retiredAt} is null`))
            .returning({ version: encryptionKeys.version })
        ).map((r) => r.version)
      : [];
  return {
    currentVersion: current,
    resealed,
    unreadable: [...unreadable.values()],
    remaining,
    activityScrubbed,
    retired,
  };
}

/**
 * Activity entries written before notes were sealed carried the note's text (a 200-character
 * preview) and booking notes' before/after: they lose it, keeping that something happened.
 */
export async function scrubNoteTextFromActivity(ctx: CoreContext, batchSize = 1000): Promise<number> {
  let scrubbed = 0;
  let from = 0;
  for (;;) {
    const rows = await ctx.db.execute<{ id: number }>(sql`
      with batch as (
        select ${activityLogs.id} as id from ${activityLogs}
         where ${activityLogs.id} > ${from}
           and ((${activityLogs.entityType} = 'note' and ${activityLogs.changes} ? 'body')
             or (${activityLogs.entityType} = 'booking'
                 and ${activityLogs.changes} -> 'notes' is not null
                 and ${activityLogs.changes} -> 'notes' <> '{"before": null, "after": null}'::jsonb))
         order by ${activityLogs.id}
         limit ${batchSize}
      )
      update ${activityLogs} set changes = case
          when ${activityLogs.entityType} = 'note' then nullif(${activityLogs.changes} - 'body', '{}'::jsonb)
          else jsonb_set(${activityLogs.changes}, '{notes}', '{"before": null, "after": null}'::jsonb)
        end
       where ${activityLogs.id} in (select id from batch)
      returning ${activityLogs.id} as id`);
    if (rows.length === 0) return scrubbed;
    scrubbed += rows.length;
    from = Math.max(...rows.map((r) => Number(r.id)));
  }
}
