/** Push notifications: watch channels, notifications on change, expiry. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiError, timed, useFakeGoogle } from "./clients.test-util";

const { clock, fake, connect, calendar } = useFakeGoogle();

describe("Push notifications", () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/google`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("watches a calendar: sync, then exists on every change, until the channel is stopped", async () => {
    const { accessToken } = await connect("watch@example.com");
    const api = calendar(accessToken);
    received.length = 0;
    const requested = clock.now().getTime() + 30 * 24 * 3600_000;
    const { data: channel } = await api.events.watch({
      calendarId: "primary",
      requestBody: {
        id: "chan-1",
        type: "web_hook",
        address: receiverUrl,
        token: "secret-token",
        expiration: String(requested),
      },
    });
    expect(channel).toMatchObject({ kind: "api#channel", id: "chan-1", token: "secret-token" });
    expect(channel.expiration).toBe(String(clock.now().getTime() + 7 * 24 * 3600_000)); // capped at 7 days
    // The watched calendar's opaque id, which every notification then names.
    expect(channel.resourceId).toMatch(/^[A-Za-z0-9]{20}$/);
    await fake().settled();
    expect(received.map((r) => r.headers["x-goog-resource-state"])).toEqual(["sync"]);
    expect(received[0]?.headers["x-goog-resource-id"]).toBe(channel.resourceId);
    expect(received[0]?.headers["x-goog-message-number"]).toBe("1");

    fake().createEvent(
      { summary: "Added in Google", ...timed("2026-03-02T10:00:00Z") },
      undefined,
      "watch@example.com",
    );
    await fake().settled();
    const exists = received[1];
    expect(exists?.body).toBe("");
    expect(exists?.headers).toMatchObject({
      "x-goog-channel-id": "chan-1",
      "x-goog-channel-token": "secret-token",
      "x-goog-resource-id": channel.resourceId,
      "x-goog-resource-state": "exists",
      "x-goog-channel-expiration": new Date(Number(channel.expiration)).toUTCString(),
    });
    expect(exists?.headers["user-agent"]).toMatch(/^APIs-Google/);
    expect(exists?.headers["x-goog-resource-uri"]).toContain("/calendar/v3/calendars/primary/events");
    expect(Number(exists?.headers["x-goog-message-number"])).toBeGreaterThan(2);
    expect(fake().channels.map((c) => [c.id, c.account])).toContainEqual(["chan-1", "watch@example.com"]);

    const duplicate = await apiError(
      api.events.watch({
        calendarId: "primary",
        requestBody: { id: "chan-1", type: "web_hook", address: receiverUrl },
      }),
    );
    expect(duplicate).toMatchObject({ status: 400, reason: "channelIdNotUnique" });

    // A receiver answering 503 is retried.
    answer = 503;
    fake().createEvent(timed("2026-03-03T10:00:00Z"), undefined, "watch@example.com");
    await fake().settled();
    answer = 200;
    expect(
      fake()
        .notifications.filter((n) => n.channelId === "chan-1")
        .map((n) => n.status),
    ).toEqual([200, 200, 503, 503, 503]);

    expect((await api.channels.stop({ requestBody: { id: "chan-1", resourceId: channel.resourceId } })).status).toBe(
      204,
    );
    const countBefore = received.length;
    fake().createEvent(timed("2026-03-04T10:00:00Z"), undefined, "watch@example.com");
    await fake().settled();
    expect(received.length).toBe(countBefore);
    expect(
      await apiError(api.channels.stop({ requestBody: { id: "chan-1", resourceId: channel.resourceId } })),
    ).toMatchObject({ status: 404 });
  });

  it("drops channels when they expire on the clock", async () => {
    const { accessToken } = await connect("watch2@example.com");
    const api = calendar(accessToken);
    await api.events.watch({
      calendarId: "primary",
      requestBody: {
        id: "chan-2",
        type: "web_hook",
        address: receiverUrl,
        expiration: String(clock.now().getTime() + 3600_000),
      },
    });
    await fake().settled();
    clock.advance(3600_001);
    const before = received.length;
    fake().createEvent(timed("2026-03-05T10:00:00Z"), undefined, "watch2@example.com");
    await fake().settled();
    expect(received.length).toBe(before);
    expect(fake().channels.find((c) => c.id === "chan-2")).toBeUndefined();
  });
});
