import { randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { type ClientConsent, mergeConsent, NO_CONSENT } from "@crm/shared";
import { eq, sql } from "drizzle-orm";
import { recordActivity } from "../activity/activity";
import { consentFields } from "../clients/view";
import type { AuthedContext } from "../context";
import { sealNoteBody } from "../crypto/sensitive";
import type { CsvRow } from "./parse";
import type { FailedRow, ImportedClient, MapRowResult } from "./rows";
import type { ExistingClient, ImportRow } from "./store";

const { clients, clientNotes, activityLogs } = schema;

/** Rows written per batch; the whole import is one transaction (all or nothing). */
export const IMPORT_BATCH_SIZE = 100;

export type MappedRow = { row: CsvRow; result: MapRowResult };

/** What an import has counted so far, across batches. */
export interface ImportTally {
  counts: { created: number; updated: number; skipped: number; failed: number };
  failures: FailedRow[];
  /** Lowercased email → the first line that had it, for duplicates within the file. */
  seen: Map<string, number>;
}

/** Where the new clients go, fixed for the whole run. */
export interface ImportTarget {
  row: ImportRow;
  existing: Map<string, ExistingClient>;
  stageId: string | null;
  nextPosition: () => number | null;
}

export interface PendingInsert {
  id: string;
  line: number;
  client: ImportedClient & { position: number | null; source: string | null };
  note: string | null;
}

/**
 * Sorts a batch's rows: invalid rows and duplicates are tallied, matches of existing clients are
 * updated or skipped as the user chose, and the rest come back to be inserted.
 */
export async function sortBatch(
  tx: AuthedContext,
  target: ImportTarget,
  mapped: MappedRow[],
  tally: ImportTally,
): Promise<PendingInsert[]> {
  const inserts: PendingInsert[] = [];
  for (const { row: r, result } of mapped) {
    if (!result.ok) {
      tally.counts.failed++;
      tally.failures.push({ line: r.line, values: r.values, reason: result.reason });
      continue;
    }
    const key = result.client.email?.toLowerCase();
    if (key && tally.seen.has(key)) {
      tally.counts.skipped++;
      tally.failures.push({
        line: r.line,
        values: r.values,
        reason: `Skipped: same email as line ${tally.seen.get(key)}`,
      });
      continue;
    }
    if (key) tally.seen.set(key, r.line);
    const match = key ? target.existing.get(key) : undefined;
    if (match) {
      if (decisionFor(target.row, r.line) === "update") {
        await updateFromImport(tx, match.id, result.client, result.note);
        tally.counts.updated++;
      } else {
        tally.counts.skipped++;
      }
      continue;
    }
    inserts.push({
      // Ids are made here, so notes and activity rows need nothing back from the insert.
      id: randomUUID(),
      line: r.line,
      note: result.note,
      client: {
        ...result.client,
        position: target.nextPosition(),
        source: result.client.source ?? `Import: ${target.row.filename}`.slice(0, 100),
      },
    });
  }
  return inserts;
}

function decisionFor(row: ImportRow, line: number): "skip" | "update" {
  if (row.duplicatePolicy !== "ask") return row.duplicatePolicy;
  return row.decisions?.[String(line)] ?? row.decisions?.rest ?? "skip";
}

/**
 * Clients and their "imported" activity rows in one statement: the batch as one JSON parameter
 * expanded by the server (prepares once, instead of a dozen bound parameters per row rebuilt per batch), the
 * activity rows from what it inserted. The query starts when awaited or `.then`-ed.
 */
export function insertClientsWithActivity(tx: AuthedContext, target: ImportTarget, inserts: PendingInsert[]) {
  const now = tx.clock.now().toISOString();
  const rows = inserts.map(({ id, client: c }) => ({
    ...consentRecord(importedConsent(NO_CONSENT, c, tx.clock.now())),
    id,
    first_name: c.firstName ?? null,
    last_name: c.lastName ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    company: c.company ?? null,
    status: c.status ?? "active",
    position: c.position ?? null,
    tags: c.tags ?? [],
    source: c.source ?? null,
  }));
  return tx.db.execute(sql`
    with inserted as (
      insert into ${clients} (id, user_id, first_name, last_name, email, phone, company, status, stage_id,
                              position, tags, source, consent_basis, consent_given_at, consent_source,
                              marketing_consent, marketing_consent_at, created_at, updated_at)
      select r.id, ${tx.userId}::uuid, r.first_name, r.last_name, r.email, r.phone, r.company,
             r.status::client_status, ${target.stageId}::uuid, r.position, r.tags, r.source,
             r.consent_basis::consent_basis, r.consent_given_at, r.consent_source, r.marketing_consent,
             r.marketing_consent_at, ${now}::timestamptz, ${now}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(id uuid, first_name text, last_name text, email text, phone text, company text,
               status text, position int, tags text[], source text, consent_basis text,
               consent_given_at timestamptz, consent_source text, marketing_consent boolean,
               marketing_consent_at timestamptz)
      returning id
    )
    insert into ${activityLogs} (user_id, actor_id, entity_type, entity_id, client_id, action, changes, created_at)
    select ${tx.userId}::uuid, ${tx.userId}::uuid, 'client', id, id, 'imported', ${JSON.stringify({
      import: { before: null, after: target.row.filename },
    })}::jsonb, ${now}::timestamptz
      from inserted`);
}

/** The notes column of the inserted clients, as their first note. */
export async function insertImportNotes(tx: AuthedContext, inserts: PendingInsert[]): Promise<void> {
  const now = tx.clock.now();
  const notes = inserts.flatMap(({ id: clientId, note }) => {
    if (!note) return [];
    const id = randomUUID();
    return [
      { id, userId: tx.userId, clientId, ...sealNoteBody(tx, tx.userId, id, note), createdAt: now, updatedAt: now },
    ];
  });
  if (notes.length) await tx.db.insert(clientNotes).values(notes);
}

async function updateFromImport(ctx: AuthedContext, clientId: string, imported: ImportedClient, note: string | null) {
  const [current] = await ctx.db.select().from(clients).where(eq(clients.id, clientId)).for("update");
  if (!current) return;
  // Only what the file says: blank cells never erase what the client already has.
  const next = {
    firstName: imported.firstName ?? current.firstName,
    lastName: imported.lastName ?? current.lastName,
    phone: imported.phone ?? current.phone,
    company: imported.company ?? current.company,
    tags: [...new Set([...current.tags, ...imported.tags])],
    source: current.source ?? imported.source,
    ...consentFields(
      importedConsent(
        {
          basis: current.consentBasis,
          givenAt: current.consentGivenAt,
          source: current.consentSource,
          marketing: current.marketingConsent,
          marketingAt: current.marketingConsentAt,
        },
        imported,
        ctx.clock.now(),
      ),
    ),
  };
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const [field, value] of Object.entries(next)) {
    const before = current[field as keyof typeof current];
    // Dates as ISO strings, as the other activity entries have them.
    if (JSON.stringify(before) !== JSON.stringify(value))
      changes[field] = JSON.parse(JSON.stringify({ before, after: value }));
  }
  if (Object.keys(changes).length) {
    await ctx.db
      .update(clients)
      .set({ ...next, version: current.version + 1, updatedAt: ctx.clock.now() })
      .where(eq(clients.id, clientId));
    await recordActivity(ctx, { entityType: "client", entityId: clientId, clientId, action: "updated", changes });
  }
  if (note) {
    const id = randomUUID();
    await ctx.db.insert(clientNotes).values({
      id,
      userId: ctx.userId,
      clientId,
      ...sealNoteBody(ctx, ctx.userId, id, note),
      createdAt: ctx.clock.now(),
      updatedAt: ctx.clock.now(),
    });
  }
}

/** The consent a row leaves on a client: what the file says over what the client had (mapRow checked it). */
function importedConsent(current: ClientConsent, imported: ImportedClient, now: Date): ClientConsent {
  const merged = mergeConsent(current, imported.consent, now);
  if (!merged.ok) throw new Error(`Imported consent refused after mapRow accepted it: ${merged.message}`);
  return merged.consent;
}

function consentRecord(consent: ClientConsent) {
  return {
    consent_basis: consent.basis,
    consent_given_at: consent.givenAt,
    consent_source: consent.source,
    marketing_consent: consent.marketing,
    marketing_consent_at: consent.marketingAt,
  };
}
