import { schema } from "@crm/db";
import { and, asc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { AuthedContext } from "../../context";
import { DomainError } from "../../errors";
import { EXPORT_KINDS, type ExportKind, type ExportRow } from "./kinds";

const { activityLogs, bookings, clientNotes, clients, emailMessages } = schema;

function kind(name: string): ExportKind {
  const found = EXPORT_KINDS.find((k) => k.name === name);
  if (!found) throw new Error(`no export kind ${name}`);
  return found;
}

/** One person's rows of a kind, in the shape the account export writes them (sealed text opened). */
async function rowsOf(ctx: AuthedContext, name: string, where: SQL | undefined, order: PgColumn): Promise<ExportRow[]> {
  const k = kind(name);
  const rows = (await ctx.db
    .select({ ...k.columns, ...k.helpers })
    .from(k.table)
    .where(and(eq(k.owner, ctx.userId), where))
    .orderBy(asc(order))) as ExportRow[];
  return rows.map((row) => {
    const opened = k.open ? k.open(ctx, ctx.userId, row) : row;
    return Object.fromEntries(Object.keys(k.columns).map((key) => [key, opened[key]]));
  });
}

export interface ClientExport {
  exportedAt: Date;
  client: ExportRow;
  notes: ExportRow[];
  bookings: ExportRow[];
  activity: ExportRow[];
  emails: ExportRow[];
}

/**
 * Everything held about one client, to answer their access request: the client's fields (consent
 * included, and deletedAt when in Trash), notes and booking notes decrypted, the activity entries
 * about them, and the emails sent to them. An email counts as sent to them when it belongs to one of
 * their bookings (reminders) or went to their current email address (other mail to that person).
 */
export async function exportClient(ctx: AuthedContext, clientId: string): Promise<ClientExport> {
  const [client] = await rowsOf(ctx, "clients", eq(clients.id, clientId), clients.id);
  if (!client) throw new DomainError("NOT_FOUND", "Client not found", { field: "clientId" });

  const notes = await rowsOf(ctx, "notes", eq(clientNotes.clientId, clientId), clientNotes.createdAt);
  const theirBookings = await rowsOf(ctx, "bookings", eq(bookings.clientId, clientId), bookings.startsAt);
  const activity = await rowsOf(
    ctx,
    "activity",
    or(
      eq(activityLogs.clientId, clientId),
      and(eq(activityLogs.entityType, "client"), eq(activityLogs.entityId, clientId)),
    ),
    activityLogs.id,
  );
  const bookingIds = theirBookings.map((b) => b.id as string);
  const email = typeof client.email === "string" && client.email ? client.email : null;
  const emailMatch = [
    bookingIds.length ? inArray(emailMessages.bookingId, bookingIds) : undefined,
    email ? sql`lower(${emailMessages.toAddress}) = lower(${email})` : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const emails = emailMatch.length ? await rowsOf(ctx, "emails", or(...emailMatch), emailMessages.createdAt) : [];

  return { exportedAt: ctx.clock.now(), client, notes, bookings: theirBookings, activity, emails };
}
