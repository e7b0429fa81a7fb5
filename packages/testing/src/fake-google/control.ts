/**
 * The handle tests drive the fake with: "the user" approving consent or editing in Google Calendar, Google
 * expiring tokens or dropping tombstones, injected faults, and what the fake saw (requests, notifications).
 */
import type { Server } from "node:http";
import { forgetDeleted, insertEvent, modifyEvent, removeEvent } from "./events";
import { denyUrl, issueCode, parseAuthorizationUrl, revokeGrant } from "./oauth";
import { publicChannels } from "./push";
import { account, type FakeGoogleState, helperCalendar } from "./state";
import type {
  FakeGoogle,
  FakeGoogleApproveOptions,
  FakeGoogleChannel,
  FakeGoogleEvent,
  FakeGoogleFault,
  FakeGoogleFaultKind,
  FakeGoogleNotification,
  FakeGoogleRequest,
} from "./types";
import { type Json, mulberry32 } from "./util";

export class FakeGoogleHandle implements FakeGoogle {
  readonly url: string;
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  readonly userinfoUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: FakeGoogleRequest[];
  readonly notifications: FakeGoogleNotification[];

  constructor(
    private readonly s: FakeGoogleState,
    private readonly server: Server,
  ) {
    this.url = s.baseUrl;
    this.authUrl = `${s.baseUrl}/o/oauth2/v2/auth`;
    this.tokenUrl = `${s.baseUrl}/token`;
    this.revokeUrl = `${s.baseUrl}/revoke`;
    this.userinfoUrl = `${s.baseUrl}/oauth2/v3/userinfo`;
    this.clientId = s.config.clientId;
    this.clientSecret = s.config.clientSecret;
    this.requests = s.requests;
    this.notifications = s.notifications;
  }

  get signedInAs(): string {
    return this.s.signedInAs;
  }

  signInAs(email: string): void {
    this.s.signedInAs = account(this.s, email).email;
  }

  async approve(authorizationUrl: string | URL, options: FakeGoogleApproveOptions = {}): Promise<URL> {
    const request = parseAuthorizationUrl(this.s, authorizationUrl);
    const granted = options.grantScopes
      ? request.scopes.filter((scope) => options.grantScopes?.includes(scope))
      : request.scopes;
    return issueCode(this.s, request, options.account ?? this.s.signedInAs, granted);
  }

  async deny(authorizationUrl: string | URL): Promise<URL> {
    return denyUrl(parseAuthorizationUrl(this.s, authorizationUrl));
  }

  events(calendarId?: string, email?: string): FakeGoogleEvent[] {
    const acc = account(this.s, email ?? this.s.signedInAs);
    const cal = acc.calendars.get(!calendarId || calendarId === "primary" ? acc.email : calendarId);
    if (!cal) return [];
    return [...cal.events.values()]
      .map((rec) => structuredClone(rec.ev))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  createEvent(
    input: Partial<FakeGoogleEvent> & { start: object; end: object },
    calendarId?: string,
    email?: string,
  ): FakeGoogleEvent {
    const cal = helperCalendar(this.s, calendarId, email, true);
    return structuredClone(insertEvent(this.s, cal, input as unknown as Json));
  }

  updateEvent(id: string, patch: Partial<FakeGoogleEvent>, calendarId?: string, email?: string): FakeGoogleEvent {
    const cal = helperCalendar(this.s, calendarId, email, false);
    return structuredClone(modifyEvent(this.s, cal, id, patch as unknown as Json, "patch", undefined));
  }

  deleteEvent(id: string, calendarId?: string, email?: string): void {
    removeEvent(this.s, helperCalendar(this.s, calendarId, email, false), id, undefined);
  }

  expireSyncTokens(options: { forgetDeleted?: boolean } = {}): void {
    this.s.syncTokens.clear();
    if (options.forgetDeleted) forgetDeleted(this.s);
  }

  expireAccessTokens(): void {
    for (const info of this.s.accessTokens.values()) info.expired = true;
  }

  revokeAccess(email?: string): void {
    const target = email?.toLowerCase();
    for (const grant of this.s.grants.values()) {
      if (target === undefined || grant.account === target) revokeGrant(this.s, grant);
    }
  }

  fail(fault: FakeGoogleFault): void {
    this.s.faults.push({ fault, left: fault.times ?? 1 });
  }

  faultRate(rate: number, kinds: FakeGoogleFaultKind[], seed = 1): void {
    this.s.randomFaults = rate > 0 && kinds.length > 0 ? { rate, kinds: [...kinds], next: mulberry32(seed) } : null;
  }

  get queuedFaults(): number {
    return this.s.faults.reduce((sum, entry) => sum + entry.left, 0);
  }

  get channels(): FakeGoogleChannel[] {
    return publicChannels(this.s);
  }

  async settled(): Promise<void> {
    while (this.s.pending.size > 0) await Promise.allSettled([...this.s.pending]);
  }

  resetCounters(): void {
    this.s.requests.length = 0;
    this.s.notifications.length = 0;
    this.s.faults.length = 0;
    this.s.randomFaults = null;
    this.s.quotaWindows.clear();
  }

  close(): Promise<void> {
    this.s.shutdown.abort();
    return new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }
}
