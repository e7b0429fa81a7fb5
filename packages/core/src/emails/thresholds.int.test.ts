import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { googleQuotaUsage } from "../calendar-sync/quota";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { bounceRate } from "./emails";

const testDb = useTestDatabase();
const clock = new ManualClock(new Date("2026-12-07T10:00:30Z"));

describe("the product's alert thresholds, as /health applies them", () => {
  it("bounces: over 3% warns, over 5% is critical, under 5 emails a day is no signal", async () => {
    const ctx = { db: testDb().db, clock };
    const user = await createTestUser(ctx);
    const send = async (count: number, status: "delivered" | "bounced") => {
      const rows = Array.from({ length: count }, () => ({
        userId: user.id,
        kind: "reminder",
        status,
        sentAt: new Date("2026-12-07T09:00:00Z"),
      }));
      await testDb().db.insert(schema.emailMessages).values(rows);
    };
    await send(3, "delivered");
    await send(1, "bounced");
    expect(await bounceRate(ctx, user.id)).toMatchObject({ sent: 4, bounced: 1, level: "ok", warning: false });
    await send(96, "delivered"); // 1 of 100
    expect(await bounceRate(ctx, user.id)).toMatchObject({ sent: 100, level: "ok" });
    await send(3, "bounced"); // 4 of 103: 3.9%
    expect(await bounceRate(ctx, user.id)).toMatchObject({ bounced: 4, level: "warning", warning: true });
    await send(3, "bounced"); // 7 of 106: 6.6%
    expect(await bounceRate(ctx, user.id)).toMatchObject({ bounced: 7, level: "critical", warning: true });
  });

  it("Google quota: over 70% warns, over 90% is critical, 100% pauses", async () => {
    const ctx = { db: testDb().db, clock };
    const minute = new Date("2026-12-07T10:00:00Z");
    const at = async (calls: number) => {
      await testDb()
        .db.insert(schema.googleApiUsage)
        .values({ minute, calls })
        .onConflictDoUpdate({ target: schema.googleApiUsage.minute, set: { calls } });
      return (await googleQuotaUsage(ctx, 1000)).warning;
    };
    expect(await at(700)).toBeNull();
    expect(await at(701)).toBe("Google API calls at 70% of the per-minute quota (701/1000), over 70%");
    expect(await at(901)).toBe("Critical: Google API calls at 90% of the per-minute quota (901/1000), over 90%");
    expect(await at(1000)).toBe(
      "Critical: Google API quota used up this minute (1000/1000): calendar sync is paused until the next minute",
    );
  });
});
