import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    timeZone: text("time_zone").notNull().default("UTC"),
    phoneRegion: text("phone_region").notNull().default("US"),
    /** When the address was proven by opening a verification link; null until then. */
    emailVerifiedAt: timestamptz("email_verified_at"),
    /** The TOTP secret, sealed with the data encryption key (see core/auth/two-factor.ts); null: never set up. */
    twoFactorSecret: text("two_factor_secret"),
    /** Two-factor sign-in is on when this is set (a secret alone is a setup not yet confirmed). */
    twoFactorEnabledAt: timestamptz("two_factor_enabled_at"),
    /** The last TOTP time step accepted (Unix time / 30 s): a code of that step or earlier is refused (replay). */
    twoFactorLastStep: bigint("two_factor_last_step", { mode: "number" }),
    /** The owner asked to delete the account (privacy.deleteAccount); null when not pending. */
    deletionRequestedAt: timestamptz("deletion_requested_at"),
    /** When the account is hard-deleted unless the owner signs in and cancels. */
    deletionScheduledFor: timestamptz("deletion_scheduled_for"),
    version: integer("version").notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  // Emails are unique case-insensitively; lookups go through lower(email).
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    // The nightly hard delete finds accounts whose grace period ended.
    index("users_deletion_scheduled_idx").on(t.deletionScheduledFor).where(sql`${t.deletionScheduledFor} is not null`),
  ],
);

/**
 * A sign-in. The cookie never holds the session id: it holds a token whose SHA-256 lives in
 * session_tokens, and the token is replaced while the session is in use (see core/auth/sessions.ts).
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    lastUsedAt: timestamptz("last_used_at").notNull().defaultNow(),
    tokenIssuedAt: timestamptz("token_issued_at").notNull().defaultNow(),
    userAgent: text("user_agent"),
    /** The client's address as TRUST_PROXY resolves it: at sign-in, then refreshed as the session is used. */
    ip: text("ip"),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

/** Every token a session has had: the current one (retired_at null) and the rotated-out ones. */
export const sessionTokens = pgTable(
  "session_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    retiredAt: timestamptz("retired_at"),
  },
  (t) => [index("session_tokens_session_id_idx").on(t.sessionId)],
);

/** Failed sign-ins per normalised email, whether or not an account has that email. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    emailKey: text("email_key").notNull(),
    attemptedAt: timestamptz("attempted_at").notNull(),
  },
  (t) => [index("login_attempts_email_key_idx").on(t.emailKey, t.attemptedAt)],
);

/**
 * Single-use links sent by email: password reset (1 hour), email verification (24 hours) and email
 * change (24 hours, carrying the new address). Keyed by the token's SHA-256 (a global secret, so the
 * row stores its owner); the token itself is only ever in the email.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<"password_reset" | "email_verification" | "email_change">().notNull(),
    /** For email_change: the address that becomes the account's when the link is opened. */
    newEmail: text("new_email"),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [index("account_tokens_user_purpose_idx").on(t.userId, t.purpose)],
);

/**
 * The product's own emails to the account holder (reset, verification, email change notices). Kept
 * apart from email_messages: they are not client messages, never count toward the bounce rate and are
 * not listed in Sent emails. The body is never stored, as it carries a live link.
 */
export const accountEmails = pgTable(
  "account_emails",
  {
    id: uuid("id").notNull().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    toAddress: text("to_address").notNull(),
    /** "sent" (a provider accepted it), "outbox" (no provider: logged only), "failed", then webhook states. */
    status: text("status").notNull(),
    provider: text("provider"),
    providerId: text("provider_id"),
    lastError: text("last_error"),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] }), index("account_emails_provider_id_idx").on(t.providerId)],
);

/** A sign-in that passed the password and waits for the second factor (5 minutes, keyed by a cookie token's hash). */
export const twoFactorChallenges = pgTable(
  "two_factor_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (t) => [index("two_factor_challenges_user_idx").on(t.userId)],
);

/** One-time recovery codes (hashed), 10 per enablement; used_at set when spent. */
export const twoFactorRecoveryCodes = pgTable(
  "two_factor_recovery_codes",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * Request budgets shared by every server process on the database: one row per key and fixed window
 * (a user's hour, an IP's minute for one action). The migration creates it UNLOGGED: counters are
 * cheap to lose in a crash and must not cost WAL on every request.
 */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    key: text("key").notNull(),
    windowStart: timestamptz("window_start").notNull(),
    used: integer("used").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index("rate_limit_counters_window_idx").on(t.windowStart)],
);

/** Fingerprints of the data encryption keys this database's sealed values were written with. */
export const encryptionKeys = pgTable("encryption_keys", {
  version: integer("version").primaryKey(),
  fingerprint: text("fingerprint").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  /**
   * Set by `crm rotate-key` once no value is sealed with this version any more: the key may then be
   * dropped from the configuration. Null: values may still need it.
   */
  retiredAt: timestamptz("retired_at"),
});
