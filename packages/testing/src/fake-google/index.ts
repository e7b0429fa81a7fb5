/**
 * A fake Google Calendar v3 + Google OAuth 2.0 server: a real HTTP server on a loopback port, meant to be driven
 * by the REAL clients, `google.calendar({version: "v3", rootUrl: fake.url + "/"})` (googleapis) and arctic's
 * `OAuth2Client` (or google-auth-library's OAuth2 client), with the endpoints pointed at `authUrl`, `tokenUrl`
 * and `revokeUrl`.
 *
 * It reproduces what a two-way calendar sync trips over on the real service: Google's error shapes and reasons,
 * sync tokens (410 fullSyncRequired) and page tokens that keep their snapshot, cancelled events as tombstones
 * (which Google drops after a while, invalidating old sync tokens: `expireSyncTokens({forgetDeleted: true})`),
 * recurring series with instances and exceptions, etags and If-Match (412), duplicate ids (409), re-deletes (410),
 * push notification channels, token expiry/revocation and injected faults (403/429/5xx/slow).
 *
 * Where Google's behaviour is undocumented, the fake picks the stricter plausible reading and says so in a comment.
 */
export { type FakeGoogleApiError, FakeGoogleError } from "./errors";
export { GOOGLE_CALENDAR_EVENTS_SCOPE, GOOGLE_CALENDAR_SCOPE } from "./scopes";
export { startFakeGoogle } from "./server";
export type {
  FakeGoogle,
  FakeGoogleApproveOptions,
  FakeGoogleChannel,
  FakeGoogleEvent,
  FakeGoogleEventDateTime,
  FakeGoogleFault,
  FakeGoogleFaultKind,
  FakeGoogleNotification,
  FakeGoogleOptions,
  FakeGoogleRequest,
} from "./types";
