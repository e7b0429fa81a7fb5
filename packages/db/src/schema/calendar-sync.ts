import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * connected: syncing normally; paused: Google's quota is exhausted, resumes by itself at
 * `paused_until`; disconnected: Google refused our tokens (invalid_grant), waits for a reconnect;
 * error: the last run failed for another reason (retried by the job queue).
 */
export const calendarConnectionStatus = pgEnum("calendar_connection_status", [
  "connected",
  "paused",
  "disconnected",
  "error",
]);

/** One Google Calendar connection per user. Tokens are AES-256-GCM ciphertexts (never plain). */
export const calendarConnections = pgTable(
  "calendar_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull().default("google"),
    /** The Google account, as its primary calendar names it. */
    accountEmail: text("account_email"),
    calendarId: text("calendar_id").notNull().default("primary"),
    accessTokenEnc: text("access_token_enc"),
    refreshTokenEnc: text("refresh_token_enc"),
    accessTokenExpiresAt: timestamptz("access_token_expires_at"),
    scopes: text("scopes"),
    status: calendarConnectionStatus("status").notNull().default("connected"),
    /** Google's nextSyncToken, stored only once every page of a sync was read. */
    syncToken: text("sync_token"),
    /** When the last full listing ran: the start of the window it expanded recurring events over. */
    fullSyncedAt: timestamptz("full_synced_at"),
    lastSyncedAt: timestamptz("last_synced_at"),
    lastError: text("last_error"),
    lastErrorAt: timestamptz("last_error_at"),
    pausedUntil: timestamptz("paused_until"),
    pushedCount: integer("pushed_count").notNull().default(0),
    pulledCount: integer("pulled_count").notNull().default(0),
    /** A sync run holds the lease; two workers never sync one connection at once. */
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamptz("lease_until"),
    /** The live push-notification channel (events.watch), if push notifications are configured. */
    channelId: text("channel_id"),
    channelResourceId: text("channel_resource_id"),
    channelToken: text("channel_token"),
    channelExpiresAt: timestamptz("channel_expires_at"),
    /** When the channel was opened: with its expiration, the lifetime Google granted (it may cut ours short). */
    channelOpenedAt: timestamptz("channel_opened_at"),
    version: integer("version").notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [index("calendar_connections_channel_idx").on(t.channelId).where(sql`${t.channelId} is not null`)],
);

/** An OAuth round trip in flight: state → the user and PKCE verifier (10 minutes, single use). */
export const calendarOauthStates = pgTable("calendar_oauth_states", {
  state: text("state").primaryKey(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  codeVerifier: text("code_verifier").notNull(),
  calendarId: text("calendar_id").notNull().default("primary"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

/** Google API calls per minute, across every process, counted against the configured quota. */
export const googleApiUsage = pgTable(
  "google_api_usage",
  {
    minute: timestamptz("minute").notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.minute] })],
);
