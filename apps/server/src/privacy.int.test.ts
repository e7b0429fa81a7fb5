import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_RETENTION, ManualClock, RETENTION_TASKS, recordRetentionRun } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";
import { PrivacyTemplateError } from "./privacy-page";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
const DAY = 24 * 60 * 60 * 1000;
const clock = new ManualClock("2027-03-01T12:00:00Z");
let app: App;
let webDir: string;

beforeAll(async () => {
  webDir = mkdtempSync(path.join(tmpdir(), "crm-web-"));
  writeFileSync(path.join(webDir, "index.html"), "<!doctype html><title>CRM app shell</title>");
  app = await buildApp({
    db: testDb().db,
    clock,
    appUrl: APP_URL,
    webDistDir: webDir,
    retention: { ...DEFAULT_RETENTION, activityDays: 400, trashDays: 60 },
    privacy: {
      appName: "Practice Notes",
      controller: "Ada <script>alert('x')</script> & Co",
      contact: "privacy@example.com",
    },
  });
});
afterAll(() => app.close());

describe("GET /privacy", () => {
  it("serves the page as HTML without a session, with the configuration filled in and escaped", async () => {
    const response = await app.inject({ method: "GET", url: "/privacy", headers: { accept: "text/html" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    const html = response.body;
    // Not the web app's shell (the SPA fallback answers unknown pages with index.html).
    expect(html).not.toContain("CRM app shell");
    expect(html).toContain("<title>Privacy · Practice Notes</title>");
    expect(html).toContain('<a href="mailto:privacy@example.com">privacy@example.com</a>');
    expect(html).toContain("<strong>Ada &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co</strong>");
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/\{\{|\}\}/);
    // The periods come from the same configuration the jobs use.
    expect(html).toContain("<td>400 days, then deleted</td>");
    expect(html).toContain("<td>60 days, then deleted for good with their notes</td>");
    expect(html).toContain("<td>1 year, then removed (the address, date and delivery status stay)</td>");
    expect(html).toContain("<td>24 hours</td>");
    expect(html).toContain("<td>Until you sign out, or 7 days after last use</td>");
    expect(html).toContain('href="https://resend.com/legal/privacy-policy"');
    expect(html).toContain('href="https://policies.google.com/privacy"');
  });

  it("uses an operator's template, and refuses one with an unknown placeholder", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crm-privacy-"));
    const good = path.join(dir, "good.html");
    writeFileSync(good, "<h1>{{appName}}</h1><p>{{retention.trash}}</p>");
    const custom = await buildApp({ db: testDb().db, appUrl: APP_URL, privacy: { templatePath: good } });
    const page = await custom.inject({ method: "GET", url: "/privacy" });
    expect(page.body).toBe("<h1>CRM</h1><p>90 days</p>");
    await custom.close();

    const bad = path.join(dir, "bad.html");
    writeFileSync(bad, "<p>{{contact_email}}</p>");
    await expect(buildApp({ db: testDb().db, appUrl: APP_URL, privacy: { templatePath: bad } })).rejects.toThrow(
      PrivacyTemplateError,
    );
    await expect(
      buildApp({ db: testDb().db, appUrl: APP_URL, privacy: { templatePath: path.join(dir, "missing.html") } }),
    ).rejects.toThrow(/cannot read/);
  });
});

describe("/health and the retention jobs", () => {
  const retentionWarnings = async () => {
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { warnings: string[]; retention: Record<string, string | null> };
    return { warnings: body.warnings.filter((w) => w.startsWith("Retention task")), runs: body.retention };
  };

  it("warns only once a task has not completed for 2 days, and not on a fresh install", async () => {
    await testDb().db.execute(sql`delete from users`);
    await testDb().db.execute(sql`delete from retention_runs`);
    expect((await retentionWarnings()).warnings).toEqual([]);

    await createTestUser({ db: testDb().db, clock });
    clock.advance(2 * DAY);
    expect((await retentionWarnings()).warnings).toEqual([]);
    clock.advance(60_000);
    expect((await retentionWarnings()).warnings).toHaveLength(RETENTION_TASKS.length);

    for (const task of RETENTION_TASKS) await recordRetentionRun({ db: testDb().db, clock }, task, {});
    const ranAt = clock.now().toISOString();
    const fresh = await retentionWarnings();
    expect(fresh.warnings).toEqual([]);
    expect(fresh.runs).toEqual(Object.fromEntries(RETENTION_TASKS.map((t) => [t, ranAt])));

    clock.advance(2 * DAY - 60_000);
    expect((await retentionWarnings()).warnings).toEqual([]);
    clock.advance(2 * 60_000);
    await recordRetentionRun({ db: testDb().db, clock }, "trash", { clients: 0 });
    const late = await retentionWarnings();
    expect(late.warnings).toHaveLength(RETENTION_TASKS.length - 1);
    expect(late.warnings).toContain(
      `Retention task "email-bodies" last completed ${ranAt} (over 2 days ago): is a worker running?`,
    );
  });
});
