import { formatInZone } from "@crm/shared";
import { type IcsEvent, toIcs } from "../bookings/ics";

export interface ReminderFacts {
  bookingId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  status: "proposed" | "confirmed" | "completed" | "cancelled";
  updatedAt: Date;
  clientFirstName: string | null;
  /** The client's zone when set on the booking, else the professional's. */
  zone: string;
  professionalName: string;
  professionalEmail: string;
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** The reminder: plain text, a small HTML part and the booking as an .ics attachment. */
/** `stampedAt` (the .ics DTSTAMP) must be stable across retries of one message: use its creation time. */
export function composeReminder(facts: ReminderFacts, stampedAt: Date) {
  const zoneName = formatInZone(facts.endsAt, facts.zone, "zzz");
  const times = `${formatInZone(facts.startsAt, facts.zone, "EEEE d MMMM yyyy, HH:mm")}–${formatInZone(facts.endsAt, facts.zone, "HH:mm")} ${zoneName}`;
  // "10:00 EST (America/New_York)", but "10:00 UTC", not "10:00 UTC (UTC)".
  const when = zoneName === facts.zone ? times : `${times} (${facts.zone})`;
  const greeting = facts.clientFirstName ? `Hi ${facts.clientFirstName},` : "Hello,";
  const lines = [
    greeting,
    "",
    `A reminder of your session with ${facts.professionalName}:`,
    "",
    `  ${facts.title}`,
    `  ${when}`,
    ...(facts.location ? [`  ${facts.location}`] : []),
    "",
    `To change it, reply to this email or write to ${facts.professionalEmail}.`,
    "",
    "The event is attached, ready to add to your calendar.",
  ];
  const html = `<p>${escapeHtml(greeting)}</p><p>A reminder of your session with ${escapeHtml(facts.professionalName)}:</p><p><strong>${escapeHtml(facts.title)}</strong><br>${escapeHtml(when)}${facts.location ? `<br>${escapeHtml(facts.location)}` : ""}</p><p>To change it, reply to this email or write to ${escapeHtml(facts.professionalEmail)}.</p>`;
  const event: IcsEvent = {
    uid: `${facts.bookingId}@crm`,
    title: facts.title,
    startsAt: facts.startsAt,
    endsAt: facts.endsAt,
    status: facts.status,
    location: facts.location,
    description: `With ${facts.professionalName}`,
    updatedAt: facts.updatedAt,
  };
  return {
    subject: `Reminder: ${facts.title} on ${formatInZone(facts.startsAt, facts.zone, "EEE d MMM, HH:mm")}`,
    text: lines.join("\n"),
    html,
    attachments: [
      {
        filename: "session.ics",
        content: toIcs([event], { name: facts.title, now: stampedAt }),
        contentType: "text/calendar",
      },
    ],
  };
}
