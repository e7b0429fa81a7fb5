import { schema } from "@crm/db";
import { and, asc, eq, getTableColumns, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { CoreContext } from "../../context";
import { openField } from "../../crypto/field-seal";

const {
  accountEmails,
  activityLogs,
  bookings,
  calendarConnections,
  clientNotes,
  clients,
  emailMessages,
  imports,
  pipelineStages,
  users,
} = schema;

export type ExportRow = Record<string, unknown>;

/** A keyset walk over one slice of a table: rows in the order of `keys` (the last is unique). */
interface Pass {
  where?: SQL;
  keys: { column: PgColumn; cast: "uuid" | "timestamptz" | "integer" | "bigint" }[];
}

/** One kind of record in the export: one JSON file and one CSV file. */
export interface ExportKind {
  /** File name without extension, and the stage shown while it is written. */
  name: string;
  /** What the README says the file holds. */
  about: string;
  table: PgTable;
  owner: PgColumn;
  /** Exported columns, in order; the keys are the JSON keys and the CSV headers. */
  columns: Record<string, PgColumn>;
  /** Read but not exported (a key version needed to open a sealed column). */
  helpers?: Record<string, PgColumn>;
  passes: Pass[];
  /** Turns a stored row into the exported one (opens sealed text). */
  open?: (ctx: CoreContext, ownerId: string, row: ExportRow) => ExportRow;
  /** A single object rather than a list (the profile). */
  single?: boolean;
}

function without<T extends Record<string, PgColumn>>(columns: T, ...names: (keyof T)[]): Record<string, PgColumn> {
  const kept: Record<string, PgColumn> = { ...columns };
  for (const name of names) delete kept[name as string];
  return kept;
}

const byId = (column: PgColumn, cast: "uuid" | "bigint" = "uuid"): Pass => ({ keys: [{ column, cast }] });

/**
 * Everything an account holds, kind by kind. Left out on purpose: the password hash, the two-factor
 * secret, Google's tokens and sync bookkeeping (secrets, not the person's data), derived search
 * columns, and the raw bytes of uploaded CSV files (the import's metadata and failed rows are in).
 * Each walk follows an index that starts with the owner, so a large deployment is not scanned.
 */
export const EXPORT_KINDS: readonly ExportKind[] = [
  {
    name: "profile",
    about: "Your account: name, email, time zone, phone region, when it was created (no password or secrets).",
    table: users,
    owner: users.id,
    columns: without(getTableColumns(users), "passwordHash", "twoFactorSecret", "twoFactorLastStep"),
    passes: [byId(users.id)],
    single: true,
  },
  {
    name: "clients",
    about: "Every client, including those in Trash (deletedAt set), with status, stage, tags and consent.",
    table: clients,
    owner: clients.userId,
    columns: without(getTableColumns(clients), "search", "sortName", "phoneDigits"),
    passes: [
      {
        where: isNull(clients.deletedAt),
        keys: [
          { column: clients.createdAt, cast: "timestamptz" },
          { column: clients.id, cast: "uuid" },
        ],
      },
      {
        where: isNotNull(clients.deletedAt),
        keys: [
          { column: clients.deletedAt, cast: "timestamptz" },
          { column: clients.id, cast: "uuid" },
        ],
      },
    ],
  },
  {
    name: "notes",
    about: "Notes on clients, decrypted (clientId names the client).",
    table: clientNotes,
    owner: clientNotes.userId,
    columns: without(getTableColumns(clientNotes), "keyVersion"),
    helpers: { keyVersion: clientNotes.keyVersion },
    passes: [
      {
        keys: [
          { column: clientNotes.clientId, cast: "uuid" },
          { column: clientNotes.createdAt, cast: "timestamptz" },
          { column: clientNotes.id, cast: "uuid" },
        ],
      },
    ],
    open: (ctx, ownerId, row) => ({
      ...row,
      body: openField(ctx.dataKeys, row.body as string, row.keyVersion as number | null, {
        ownerId,
        field: "client_notes.body",
        rowId: row.id as string,
      }),
    }),
  },
  {
    name: "pipeline-stages",
    about: "Your pipeline's stages, in board order.",
    table: pipelineStages,
    owner: pipelineStages.userId,
    columns: getTableColumns(pipelineStages),
    passes: [
      {
        keys: [
          { column: pipelineStages.position, cast: "integer" },
          { column: pipelineStages.id, cast: "uuid" },
        ],
      },
    ],
  },
  {
    name: "bookings",
    about: "Bookings with their status, times, notes (decrypted) and Google Calendar link.",
    table: bookings,
    owner: bookings.userId,
    columns: without(getTableColumns(bookings), "notesKeyVersion"),
    helpers: { notesKeyVersion: bookings.notesKeyVersion },
    passes: [byId(bookings.id)],
    open: (ctx, ownerId, row) => ({
      ...row,
      notes:
        row.notes === null
          ? null
          : openField(ctx.dataKeys, row.notes as string, row.notesKeyVersion as number | null, {
              ownerId,
              field: "bookings.notes",
              rowId: row.id as string,
            }),
    }),
  },
  {
    name: "activity",
    about: "The activity log: who changed what and when, with the values before and after.",
    table: activityLogs,
    owner: activityLogs.userId,
    columns: getTableColumns(activityLogs),
    passes: [byId(activityLogs.id, "bigint")],
  },
  {
    name: "emails",
    about: "Emails sent to clients (reminders and others): address, subject, text, delivery status.",
    table: emailMessages,
    owner: emailMessages.userId,
    columns: getTableColumns(emailMessages),
    passes: [
      {
        keys: [
          { column: emailMessages.createdAt, cast: "timestamptz" },
          { column: emailMessages.id, cast: "uuid" },
        ],
      },
    ],
  },
  {
    name: "account-emails",
    about: "Emails the CRM sent to you about your account (verification, password reset) and their status.",
    table: accountEmails,
    owner: accountEmails.userId,
    columns: getTableColumns(accountEmails),
    passes: [byId(accountEmails.id)],
  },
  {
    name: "imports",
    about: "CSV imports: file name, counts, mapping and the rows that failed with why (not the file itself).",
    table: imports,
    owner: imports.userId,
    columns: without(getTableColumns(imports), "content", "cancelRequested", "heartbeatAt", "runPid", "runXactStart"),
    passes: [byId(imports.id)],
  },
  {
    name: "google-connection",
    about: "Your Google Calendar connection: account, calendar, sync times and counts (no tokens).",
    table: calendarConnections,
    owner: calendarConnections.userId,
    columns: without(
      getTableColumns(calendarConnections),
      "accessTokenEnc",
      "refreshTokenEnc",
      "syncToken",
      "channelId",
      "channelResourceId",
      "channelToken",
      "leaseOwner",
      "leaseUntil",
    ),
    passes: [byId(calendarConnections.id)],
  },
];

/** How many rows of a kind the owner has, for the progress bar. */
export async function countRows(ctx: CoreContext, kind: ExportKind, ownerId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(kind.table).where(eq(kind.owner, ownerId));
  return row?.n ?? 0;
}

/**
 * The owner's rows of a kind, in batches read by keyset pagination: each query starts after the last
 * row of the one before (compared as text cast back to the column's type, so microseconds survive),
 * and only one batch is in memory at a time.
 */
export async function* readRows(
  ctx: CoreContext,
  kind: ExportKind,
  ownerId: string,
  batchSize = 2000,
): AsyncGenerator<ExportRow[]> {
  for (const pass of kind.passes) {
    let after: string[] | null = null;
    for (;;) {
      const keyColumns = sql.join(
        pass.keys.map((k) => sql`${k.column}`),
        sql`, `,
      );
      const bounds = after
        ? sql.join(
            pass.keys.map((k, i) => sql`${after![i]}::${sql.raw(k.cast)}`),
            sql`, `,
          )
        : null;
      const rows = (await ctx.db
        .select({
          ...kind.columns,
          ...kind.helpers,
          exportCursor: sql<string[]>`array[${sql.join(
            pass.keys.map((k) => sql`${k.column}::text`),
            sql`, `,
          )}]`,
        })
        .from(kind.table)
        .where(and(eq(kind.owner, ownerId), pass.where, bounds ? sql`(${keyColumns}) > (${bounds})` : undefined))
        .orderBy(...pass.keys.map((k) => asc(k.column)))
        .limit(batchSize)) as (ExportRow & { exportCursor: string[] })[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.exportCursor;
      yield rows.map(({ exportCursor: _cursor, ...row }) => {
        const opened = kind.open ? kind.open(ctx, ownerId, row) : row;
        if (!kind.helpers) return opened;
        const exported: ExportRow = {};
        for (const key of Object.keys(kind.columns)) exported[key] = opened[key];
        return exported;
      });
      if (rows.length < batchSize) break;
    }
  }
}
