import { schema } from "@crm/db";
import {
  type ClientConsent,
  clientCreateInput,
  clientUpdateInput,
  mergeConsent,
  messages,
  NO_CONSENT,
  normalizePhone,
} from "@crm/shared";
import { and, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import { diffFields, recordActivity } from "../activity/activity";
import { restoreClientBookings, trashClientBookings } from "../bookings/bookings";
import type { AuthedContext } from "../context";
import { DomainError, pgErrorCode } from "../errors";
import { compactStage, existingStages, listStages, lockPipeline, nextPositionIn } from "../pipeline/stages";
import { syncUpcomingReminders } from "../reminders/reminders";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { ownerPhoneRegion } from "./queries";
import { DAY_MS, DEFAULT_TRASH_RETENTION_DAYS } from "./trash";
import { type ClientView, consentFields, toClientView, viewColumns } from "./view";

const { clients } = schema;

const TRACKED_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "company",
  "status",
  "stageId",
  "tags",
  "source",
  "consentBasis",
  "consentGivenAt",
  "consentSource",
  "marketingConsent",
  "marketingConsentAt",
] as const;

/** A client's fields as the activity log compares them (consent flattened). */
function tracked(view: ClientView) {
  return { ...view, ...consentFields(view.consent) };
}

function consentFor(ctx: AuthedContext, current: ClientConsent, input: Parameters<typeof mergeConsent>[1]) {
  const merged = mergeConsent(current, input, ctx.clock.now());
  if (!merged.ok) throw new DomainError("VALIDATION", merged.message, { field: merged.field });
  return merged.consent;
}

async function toE164(ctx: AuthedContext, phone: string | null | undefined): Promise<string | null | undefined> {
  if (phone === undefined || phone === null) return phone;
  const parsed = normalizePhone(phone, await ownerPhoneRegion(ctx));
  if (!parsed.ok) throw new DomainError("VALIDATION", parsed.message, { field: "phone" });
  return parsed.e164;
}

async function assertEmailFree(ctx: AuthedContext, email: string | null | undefined, exceptId?: string) {
  if (!email) return;
  const [other] = await ctx.db
    .select(viewColumns)
    .from(clients)
    .where(
      and(
        eq(clients.userId, ctx.userId),
        isNull(clients.deletedAt),
        sql`lower(${clients.email}) = ${email.toLowerCase()}`,
        exceptId ? sql`${clients.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  if (other) throw duplicateError(toClientView(other));
}

function duplicateError(existing: { id: string; name: string }) {
  return new DomainError("DUPLICATE", `${existing.name} already has this email`, {
    field: "email",
    details: { clientId: existing.id, name: existing.name },
  });
}

/** The unique index caught a race the pre-check missed: name the client that won it. */
async function rethrowDuplicate(ctx: AuthedContext, error: unknown, email: string | null | undefined): Promise<never> {
  if (pgErrorCode(error) === "23505" && email) {
    const [other] = await ctx.db
      .select(viewColumns)
      .from(clients)
      .where(
        and(
          eq(clients.userId, ctx.userId),
          isNull(clients.deletedAt),
          sql`lower(${clients.email}) = ${email.toLowerCase()}`,
        ),
      )
      .limit(1);
    if (other) throw duplicateError(toClientView(other));
  }
  throw error;
}

export async function createClient(
  ctx: AuthedContext,
  rawInput: z.input<typeof clientCreateInput>,
): Promise<ClientView> {
  const input = parseInput(clientCreateInput, rawInput);
  const phone = await toE164(ctx, input.phone);
  const consent = consentFor(ctx, NO_CONSENT, input.consent);
  try {
    return await inTransaction(ctx, async (tx) => {
      await assertEmailFree(tx, input.email);
      let stageId: string | null = null;
      let position: number | null = null;
      if (input.stageId !== null) {
        stageId = input.stageId ?? (await listStages(tx))[0]?.id ?? null;
        if (stageId) {
          await lockPipeline(tx);
          const found = await existingStages(tx, [stageId]);
          if (!found.has(stageId)) throw new DomainError("NOT_FOUND", "Stage not found", { field: "stageId" });
          position = await nextPositionIn(tx, stageId);
        }
      }
      const now = ctx.clock.now();
      const [row] = await tx.db
        .insert(clients)
        .values({
          userId: ctx.userId,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          email: input.email ?? null,
          phone: phone ?? null,
          company: input.company ?? null,
          status: input.status ?? "active",
          stageId,
          position,
          tags: [...new Set(input.tags ?? [])],
          source: input.source ?? null,
          ...consentFields(consent),
          createdAt: now,
          updatedAt: now,
        })
        .returning(viewColumns);
      const view = toClientView(row!);
      const empty = {
        ...Object.fromEntries(TRACKED_FIELDS.map((f) => [f, null])),
        marketingConsent: false,
      } as unknown as ReturnType<typeof tracked>;
      await recordActivity(tx, {
        entityType: "client",
        entityId: view.id,
        clientId: view.id,
        action: "created",
        changes: diffFields(empty, tracked(view), TRACKED_FIELDS),
      });
      return view;
    });
  } catch (error) {
    return rethrowDuplicate(ctx, error, input.email);
  }
}

async function lockLiveClient(ctx: AuthedContext, id: string) {
  const [row] = await ctx.db
    .select(viewColumns)
    .from(clients)
    .where(and(eq(clients.id, id), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)))
    .for("update");
  if (!row) throw new DomainError("NOT_FOUND", "Client not found");
  return row;
}

export async function getClient(ctx: AuthedContext, id: string): Promise<ClientView> {
  const [row] = await ctx.db
    .select(viewColumns)
    .from(clients)
    .where(and(eq(clients.id, id), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)));
  if (!row) throw new DomainError("NOT_FOUND", "Client not found");
  return toClientView(row);
}

export async function updateClient(
  ctx: AuthedContext,
  rawInput: z.input<typeof clientUpdateInput>,
): Promise<ClientView> {
  const input = parseInput(clientUpdateInput, rawInput);
  const phone = await toE164(ctx, input.phone);
  try {
    return await inTransaction(ctx, async (tx) => {
      if (input.stageId !== undefined) await lockPipeline(tx);
      const current = await lockLiveClient(tx, input.id);
      if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
      const next = {
        firstName: input.firstName === undefined ? current.firstName : input.firstName,
        lastName: input.lastName === undefined ? current.lastName : input.lastName,
        email: input.email === undefined ? current.email : input.email,
        phone: phone === undefined ? current.phone : phone,
        company: input.company === undefined ? current.company : input.company,
        status: input.status ?? current.status,
        tags: input.tags === undefined ? current.tags : [...new Set(input.tags)],
        source: input.source === undefined ? current.source : input.source,
        ...consentFields(consentFor(tx, toClientView(current).consent, input.consent)),
      };
      if (!next.firstName && !next.lastName && !next.email) {
        throw new DomainError("VALIDATION", "Enter a name or an email", { field: "firstName" });
      }
      if (next.email && next.email.toLowerCase() !== current.email?.toLowerCase()) {
        await assertEmailFree(tx, next.email, current.id);
      }
      let stageId = current.stageId;
      let position = current.position;
      if (input.stageId !== undefined && input.stageId !== current.stageId) {
        const found = await existingStages(tx, input.stageId ? [input.stageId] : []);
        if (input.stageId && !found.has(input.stageId))
          throw new DomainError("NOT_FOUND", "Stage not found", { field: "stageId" });
        stageId = input.stageId;
        position = stageId ? await nextPositionIn(tx, stageId) : null;
      }
      const [row] = await tx.db
        .update(clients)
        .set({ ...next, stageId, position, version: current.version + 1, updatedAt: ctx.clock.now() })
        .where(eq(clients.id, current.id))
        .returning(viewColumns);
      if (current.stageId && current.stageId !== stageId) await compactStage(tx, current.stageId);
      const view = toClientView(row!);
      // The reminders of this client's upcoming bookings follow the email address.
      if ((current.email ?? "") !== (view.email ?? "")) await syncUpcomingReminders(tx, { clientId: view.id });
      const changes = diffFields(tracked(toClientView(current)), tracked(view), TRACKED_FIELDS);
      if (Object.keys(changes).length) {
        await recordActivity(tx, {
          entityType: "client",
          entityId: view.id,
          clientId: view.id,
          action: "updated",
          changes,
        });
      }
      return view;
    });
  } catch (error) {
    return rethrowDuplicate(ctx, error, input.email);
  }
}

/** Moves a client (with its notes) to Trash; restorable for the retention period. */
export async function deleteClient(ctx: AuthedContext, id: string): Promise<{ id: string; deletedAt: Date }> {
  return inTransaction(ctx, async (tx) => {
    await lockPipeline(tx);
    const current = await lockLiveClient(tx, id);
    const now = ctx.clock.now();
    await tx.db
      .update(clients)
      .set({ deletedAt: now, position: null, version: current.version + 1, updatedAt: now })
      .where(eq(clients.id, id));
    if (current.stageId) await compactStage(tx, current.stageId);
    await trashClientBookings(tx, id, now);
    await recordActivity(tx, { entityType: "client", entityId: id, clientId: id, action: "deleted" });
    return { id, deletedAt: now };
  });
}

export async function restoreClient(
  ctx: AuthedContext,
  id: string,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
): Promise<ClientView> {
  try {
    return await inTransaction(ctx, async (tx) => {
      await lockPipeline(tx);
      const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS);
      const [current] = await tx.db
        .select(viewColumns)
        .from(clients)
        .where(
          and(
            eq(clients.id, id),
            eq(clients.userId, ctx.userId),
            isNotNull(clients.deletedAt),
            gt(clients.deletedAt, cutoff),
          ),
        )
        .for("update");
      if (!current) throw new DomainError("NOT_FOUND", "Client not found in Trash");
      await assertEmailFree(tx, current.email, current.id);
      let stageId = current.stageId ?? (await listStages(tx))[0]?.id ?? null;
      let position: number | null = null;
      if (stageId) {
        const found = await existingStages(tx, [stageId]);
        if (found.has(stageId)) position = await nextPositionIn(tx, stageId);
        else stageId = null;
      }
      const [row] = await tx.db
        .update(clients)
        .set({ deletedAt: null, stageId, position, version: current.version + 1, updatedAt: ctx.clock.now() })
        .where(eq(clients.id, id))
        .returning(viewColumns);
      await restoreClientBookings(tx, id, current.deletedAt!);
      await recordActivity(tx, { entityType: "client", entityId: id, clientId: id, action: "restored" });
      return toClientView(row!);
    });
  } catch (error) {
    const [row] = await ctx.db.select({ email: clients.email }).from(clients).where(eq(clients.id, id));
    return rethrowDuplicate(ctx, error, row?.email);
  }
}

export async function listTags(ctx: AuthedContext): Promise<string[]> {
  const rows = await ctx.db.execute<{ tag: string }>(
    sql`select distinct unnest(tags) as tag from clients where user_id = ${ctx.userId} and deleted_at is null order by 1`,
  );
  return rows.map((r) => r.tag);
}
