/**
 * Push notifications: events.watch opens a channel on a calendar, channels.stop closes it, and every change to
 * the calendar POSTs an "exists" notification to the channel's address (a "sync" one when it opens), retried on
 * 5xx like Google does.
 */
import { randomInt } from "node:crypto";
import type { calendar_v3 } from "googleapis";
import { FakeGoogleError } from "./errors";
import { type Ctx, jsonBody, sendJson } from "./http";
import { type Calendar, type ChannelRecord, type FakeGoogleState, track } from "./state";
import type { FakeGoogleChannel } from "./types";
import { isObject, type Json, sleep } from "./util";

const CHANNEL_ID_PATTERN = /^[A-Za-z0-9\-_+/=]{1,64}$/;
const RETRIED_STATUSES = [500, 502, 503, 504];

/** Channels not stopped and not expired (expired ones are dropped here). */
function liveChannels(s: FakeGoogleState): ChannelRecord[] {
  const now = s.nowMs();
  for (const [id, ch] of s.channels) if (ch.expiration <= now) s.channels.delete(id);
  return [...s.channels.values()];
}

/** The public view of the live channels. */
export function publicChannels(s: FakeGoogleState): FakeGoogleChannel[] {
  return liveChannels(s).map((ch) => {
    const out: FakeGoogleChannel = {
      id: ch.id,
      resourceId: ch.resourceId,
      address: ch.address,
      expiration: ch.expiration,
      calendarId: ch.calendarId,
      account: ch.account,
    };
    if (ch.token !== undefined) out.token = ch.token;
    return out;
  });
}

export function notifyChange(s: FakeGoogleState, cal: Calendar): void {
  for (const ch of liveChannels(s)) if (ch.calendarKey === cal.key) deliver(s, ch, "exists");
}

function deliver(s: FakeGoogleState, ch: ChannelRecord, state: "sync" | "exists"): void {
  // Message numbers increase but are not sequential on the real service.
  ch.messageNumber = state === "sync" ? 1 : ch.messageNumber + 1 + randomInt(1, 40);
  const headers: Record<string, string> = {
    "user-agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
    "x-goog-channel-id": ch.id,
    "x-goog-message-number": String(ch.messageNumber),
    "x-goog-resource-id": ch.resourceId,
    "x-goog-resource-state": state,
    "x-goog-resource-uri": ch.resourceUri,
    "x-goog-channel-expiration": new Date(ch.expiration).toUTCString(),
  };
  if (ch.token !== undefined) headers["x-goog-channel-token"] = ch.token;
  const run = async () => {
    for (let attempt = 0; ; attempt++) {
      const status = await post(s, ch.address, headers);
      if (s.shutdown.signal.aborted) return;
      s.notifications.push({ channelId: ch.id, state, status });
      const delay = s.config.retryDelaysMs[attempt];
      // Google retries 500/502/503/504 with backoff; any other failure is dropped.
      if (delay === undefined || typeof status !== "number" || !RETRIED_STATUSES.includes(status)) return;
      await sleep(delay);
    }
  };
  track(s, run());
}

async function post(s: FakeGoogleState, address: string, headers: Record<string, string>): Promise<number | "error"> {
  try {
    const response = await fetch(address, {
      method: "POST",
      headers,
      body: "",
      redirect: "manual",
      signal: AbortSignal.any([s.shutdown.signal, AbortSignal.timeout(10_000)]),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return "error";
  }
}

/** channels.stop: only the user that created a channel can stop it; to anyone else it does not exist. */
export function stopChannel(s: FakeGoogleState, body: Json, email: string): void {
  const ch = typeof body.id === "string" ? s.channels.get(body.id) : undefined;
  if (!ch || ch.resourceId !== body.resourceId || ch.account !== email || ch.expiration <= s.nowMs()) {
    throw new FakeGoogleError({
      code: 404,
      domain: "global",
      reason: "notFound",
      message: `Channel '${String(body.id)}' not found for project '000000000000'`,
    });
  }
  s.channels.delete(ch.id);
}

/** events.watch: opens a channel, answers it, then sends the "sync" notification. */
export function watch(s: FakeGoogleState, ctx: Ctx, cal: Calendar, email: string, requestedCalendarId: string): void {
  const body = jsonBody(ctx);
  const { id, address, token } = parseWatchRequest(body);
  const now = s.nowMs();
  const requested = requestedExpiration(body, now);
  liveChannels(s);
  if (s.channels.has(id)) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "channelIdNotUnique",
      message: `Channel id ${id} not unique`,
    });
  }
  const ch: ChannelRecord = {
    id,
    resourceId: cal.resourceId,
    address,
    expiration: Math.min(requested ?? Number.POSITIVE_INFINITY, now + s.config.maxChannelTtlMs),
    calendarId: cal.id,
    account: email,
    calendarKey: cal.key,
    resourceUri: `${s.baseUrl}/calendar/v3/calendars/${encodeURIComponent(requestedCalendarId)}/events?alt=json`,
    messageNumber: 0,
  };
  if (token !== undefined) ch.token = token;
  s.channels.set(ch.id, ch);
  const answer: calendar_v3.Schema$Channel = {
    kind: "api#channel",
    id: ch.id,
    resourceId: ch.resourceId,
    resourceUri: ch.resourceUri,
    expiration: String(ch.expiration),
  };
  if (ch.token !== undefined) answer.token = ch.token;
  sendJson(ctx, 200, answer);
  deliver(s, ch, "sync");
}

function requiredField(field: string): FakeGoogleError {
  return new FakeGoogleError({
    code: 400,
    domain: "global",
    reason: "required",
    message: `Required`,
    locationType: "other",
    location: field,
  });
}

function invalidField(field: string, message: string): FakeGoogleError {
  return new FakeGoogleError({
    code: 400,
    domain: "global",
    reason: "invalid",
    message,
    locationType: "other",
    location: field,
  });
}

function parseWatchRequest(body: Json): { id: string; address: string; token?: string } {
  if (body.id === undefined || body.id === null || body.id === "") throw requiredField("id");
  if (typeof body.id !== "string" || !CHANNEL_ID_PATTERN.test(body.id)) {
    throw invalidField("id", "Channel id must match [A-Za-z0-9\\-_\\+/=]+ and be at most 64 characters.");
  }
  if (body.type === undefined || body.type === null) throw requiredField("type");
  if (body.type !== "web_hook" && body.type !== "webhook") {
    throw invalidField("type", `Invalid channel type: ${String(body.type)}`);
  }
  if (typeof body.address !== "string" || body.address === "") throw requiredField("address");
  let address: URL;
  try {
    address = new URL(body.address);
  } catch {
    throw invalidField("address", `Invalid address: ${body.address}`);
  }
  // The real service demands https with a valid certificate ("WebHook callback must be HTTPS"); the fake
  // accepts http:// so tests and local demos can receive notifications on a plain loopback server.
  if (address.protocol !== "https:" && address.protocol !== "http:") {
    throw new FakeGoogleError({
      code: 400,
      domain: "push",
      reason: "webhookUrlNotHttps",
      message: `WebHook callback must be HTTPS: ${body.address}`,
    });
  }
  if (body.token !== undefined && body.token !== null) {
    if (typeof body.token !== "string" || body.token.length > 256) {
      throw invalidField("token", "Channel token must be a string of at most 256 characters.");
    }
    return { id: body.id, address: body.address, token: body.token };
  }
  return { id: body.id, address: body.address };
}

/** The expiration the client asked for (ms), from `expiration` or `params.ttl` (seconds), if any. */
function requestedExpiration(body: Json, now: number): number | undefined {
  let requested: number | undefined;
  if (body.expiration !== undefined && body.expiration !== null) {
    requested = Number(body.expiration);
    if (!Number.isFinite(requested) || !/^\d+$/.test(String(body.expiration))) {
      throw invalidField("expiration", `Invalid expiration: ${String(body.expiration)}`);
    }
  } else if (isObject(body.params) && body.params.ttl !== undefined) {
    const ttl = Number(body.params.ttl);
    if (!Number.isFinite(ttl)) throw invalidField("params.ttl", `Invalid ttl: ${String(body.params.ttl)}`);
    requested = now + ttl * 1000;
  }
  if (requested !== undefined && requested <= now) {
    throw invalidField("expiration", "Channel expiration must be in the future.");
  }
  return requested;
}
