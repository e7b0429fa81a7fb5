import { schema } from "@crm/db";
import { instantToWallClock, wallClockToInstant } from "@crm/shared";
import { sql } from "drizzle-orm";
import { signup } from "../auth/users";
import { createBooking, transitionBooking } from "../bookings/bookings";
import { createClient } from "../clients/clients";
import type { CoreContext } from "../context";
import { createNote } from "../notes/notes";
import { listStages, moveClient } from "../pipeline/stages";
import { inTransaction } from "../transaction";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_PASSWORD = "demo-password";

const DEMO_CLIENTS = [
  {
    firstName: "Maya",
    lastName: "Patel",
    email: "maya.patel@example.com",
    phone: "(415) 555-2671",
    company: "Bright Path Yoga",
    tags: ["coaching", "vip"],
    source: "Referral",
    stage: 3,
    note: "Signed the 12-week leadership package.\nPrefers Tuesday mornings.",
  },
  {
    firstName: "Lucas",
    lastName: "Moreau",
    email: "lucas@moreau-design.example",
    phone: "+33 1 42 68 53 00",
    company: "Moreau Design",
    tags: ["workshop"],
    source: "LinkedIn",
    stage: 2,
    note: "Sent proposal for a two-day team workshop.",
  },
  {
    firstName: "Hannah",
    lastName: "Schmidt",
    email: "hannah.schmidt@example.com",
    phone: "+49 30 901820",
    company: null,
    tags: ["online"],
    source: "Website",
    stage: 1,
    note: "Intro call went well; follow up next week.",
  },
  {
    firstName: "James",
    lastName: "O'Connor",
    email: "james.oconnor@example.com",
    phone: "(212) 555-0147",
    company: "Harbor Legal",
    tags: ["retainer"],
    source: "Event",
    stage: 3,
  },
  {
    firstName: "Sofia",
    lastName: "Rossi",
    email: "sofia.rossi@example.com",
    phone: "(646) 555-0199",
    company: "Rossi Photography",
    tags: ["referral"],
    source: "Referral",
    stage: 0,
  },
  {
    firstName: "Daniel",
    lastName: "Kim",
    email: "daniel.kim@example.com",
    phone: "(206) 555-0112",
    company: "Northwind Labs",
    tags: ["coaching"],
    source: "Google",
    stage: 0,
  },
  {
    firstName: "Aisha",
    lastName: "Bello",
    email: "aisha.bello@example.com",
    phone: "(773) 555-0163",
    company: null,
    tags: ["in-person"],
    source: "Instagram",
    stage: 1,
  },
  {
    firstName: "Oliver",
    lastName: "Hughes",
    email: "oliver.hughes@example.co.uk",
    phone: "+44 20 7946 0958",
    company: "Hughes & Co",
    tags: [],
    source: "Website",
    stage: 4,
    note: "Chose another provider (budget).",
  },
  {
    firstName: "Emma",
    lastName: "Larsen",
    email: "emma.larsen@example.com",
    phone: "(512) 555-0178",
    company: "Fjord Studio",
    tags: ["newsletter"],
    source: "Website",
    stage: 0,
  },
  {
    firstName: "Noah",
    lastName: "Garcia",
    email: "noah.garcia@example.com",
    phone: "(305) 555-0121",
    company: null,
    tags: ["vip", "in-person"],
    source: "Referral",
    stage: 2,
  },
  {
    firstName: "Chloe",
    lastName: "Nguyen",
    email: "chloe.nguyen@example.com",
    phone: "(720) 555-0184",
    company: "Lotus Wellness",
    tags: ["online"],
    source: "Instagram",
    stage: 1,
  },
  {
    firstName: "Ethan",
    lastName: "Brown",
    email: "ethan.brown@example.com",
    phone: "(617) 555-0135",
    company: "Brown Consulting",
    tags: ["retainer"],
    source: "LinkedIn",
    stage: 3,
  },
] as const;

const DEMO_ZONE = "America/New_York";

/**
 * Sessions around the first start, by client email: days from today, local start time, minutes.
 * Past ones are completed; upcoming ones are proposed or confirmed, so the calendar, the bookings
 * list and (through the reminder jobs) Sent emails all have something to show.
 */
const DEMO_BOOKINGS = [
  {
    email: "maya.patel@example.com",
    day: -6,
    at: "09:00",
    minutes: 60,
    title: "Leadership coaching",
    status: "completed",
  },
  {
    email: "james.oconnor@example.com",
    day: -3,
    at: "14:00",
    minutes: 45,
    title: "Retainer check-in",
    status: "completed",
  },
  {
    email: "ethan.brown@example.com",
    day: -1,
    at: "11:00",
    minutes: 60,
    title: "Quarterly review",
    status: "completed",
  },
  {
    email: "maya.patel@example.com",
    day: 1,
    at: "09:00",
    minutes: 60,
    title: "Leadership coaching",
    status: "confirmed",
  },
  {
    email: "lucas@moreau-design.example",
    day: 1,
    at: "13:30",
    minutes: 30,
    title: "Workshop planning call",
    status: "proposed",
  },
  {
    email: "hannah.schmidt@example.com",
    day: 2,
    at: "10:00",
    minutes: 30,
    title: "Follow-up call",
    status: "proposed",
    location: "Zoom",
  },
  {
    email: "noah.garcia@example.com",
    day: 3,
    at: "15:00",
    minutes: 90,
    title: "Portrait session",
    status: "confirmed",
    location: "Studio",
  },
  { email: "daniel.kim@example.com", day: 4, at: "12:00", minutes: 30, title: "Discovery call", status: "cancelled" },
  {
    email: "ethan.brown@example.com",
    day: 6,
    at: "16:00",
    minutes: 60,
    title: "Strategy session",
    status: "confirmed",
  },
  {
    email: "chloe.nguyen@example.com",
    day: 8,
    at: "10:30",
    minutes: 60,
    title: "Wellness workshop intro",
    status: "proposed",
  },
] as const;

/** The instant of a local wall-clock time `days` from today in the demo zone (times chosen clear of DST gaps). */
function demoInstant(now: Date, days: number, at: string): Date {
  const today = instantToWallClock(now, DEMO_ZONE).slice(0, 10);
  const day = new Date(`${today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  const resolved = wallClockToInstant(`${day.toISOString().slice(0, 10)}T${at}`, DEMO_ZONE);
  if (!resolved.ok) throw new Error(resolved.message);
  return resolved.instant;
}

/**
 * On a database with no users at all (a first start), creates the demo account with a dozen
 * clients across the pipeline and ten sessions around today, so a newcomer can sign in and look
 * around at once. With `ctx.jobs`, the upcoming sessions get their reminders scheduled. Returns its
 * credentials, or null when the database already had users.
 */
export function ensureDemoAccount(ctx: CoreContext): Promise<{ email: string; password: string } | null> {
  // Several processes may start at once on an empty database: one transaction under one lock, so
  // exactly one creates the whole demo, the others wait, then see a user and go on (and a crash
  // half-way leaves no half-made demo behind).
  return inTransaction(ctx, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended('crm:demo-account', 0))`);
    const [row] = await tx.db.select({ count: sql<number>`count(*)::int` }).from(schema.users);
    if ((row?.count ?? 0) > 0) return null;
    return createDemoAccount(tx);
  });
}

async function createDemoAccount(ctx: CoreContext): Promise<{ email: string; password: string }> {
  const user = await signup(ctx, {
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    name: "Demo User",
    timeZone: DEMO_ZONE,
  });
  const owner = { ...ctx, userId: user.id };
  const stages = await listStages(owner);
  const clientIds = new Map<string, string>();
  for (const demo of DEMO_CLIENTS) {
    const { stage, note, ...fields } = demo as typeof demo & { note?: string };
    const client = await createClient(owner, { ...fields, tags: [...fields.tags] });
    clientIds.set(client.email ?? "", client.id);
    const target = stages[stage];
    if (target && target.id !== client.stageId) {
      await moveClient(owner, { clientId: client.id, stageId: target.id, index: 99, version: client.version });
    }
    if (note) await createNote(owner, { clientId: client.id, body: note });
  }
  const now = ctx.clock.now();
  for (const demo of DEMO_BOOKINGS) {
    const startsAt = demoInstant(now, demo.day, demo.at);
    const booking = await createBooking(owner, {
      clientId: clientIds.get(demo.email)!,
      title: demo.title,
      startsAt,
      endsAt: new Date(startsAt.getTime() + demo.minutes * 60_000),
      ...("location" in demo && { location: demo.location }),
      status: demo.status === "proposed" ? "proposed" : "confirmed",
    });
    if (demo.status === "completed" || demo.status === "cancelled") {
      await transitionBooking(owner, { id: booking.id, version: booking.version, to: demo.status });
    }
  }
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
