import { instantToWallClock, wallClockToInstant } from "@crm/shared";
import { keepPreviousData } from "@tanstack/react-query";
import { ArrowRight, Globe } from "lucide-react";
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { errorCode, errorField, userMessage } from "../../lib/errors";
import { timeZoneOptions } from "../../lib/regions";
import { addDays, durationLabel, formatTime, formatTimeRange, useUserTimeZone, zoneLabel } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Combobox, type ComboboxOption } from "../ui/combobox";
import { Field } from "../ui/field";
import { controlClasses, Input } from "../ui/input";
import { Label } from "../ui/label";
import { useToast } from "../ui/toast";
import { ClientPicker, type PickedClient } from "./client-picker";
import { Modal } from "./modal";
import type { BookingView } from "./types";

/** What a new booking starts from (a calendar slot, a client page...). */
export interface BookingDraft {
  client?: PickedClient | null;
  startsAt?: Date;
  endsAt?: Date;
}

export interface BookingFormDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Edit this booking; without it the form creates one. */
  booking?: BookingView | null;
  draft?: BookingDraft | null;
  onSaved?: (booking: BookingView) => void;
}

type FieldName = "client" | "title" | "time" | "location" | "notes" | "clientZone";

interface Values {
  client: PickedClient | null;
  title: string;
  date: string;
  start: string;
  end: string;
  location: string;
  notes: string;
  clientZone: string;
  status: "proposed" | "confirmed";
}

const SERVER_FIELDS: Record<string, FieldName> = {
  clientId: "client",
  title: "title",
  startsAt: "time",
  endsAt: "time",
  location: "location",
  notes: "notes",
  timeZone: "clientZone",
};

/** The next whole hour from now, as a default start. */
function nextHour(): Date {
  const d = new Date(Date.now() + 3600_000);
  d.setMinutes(0, 0, 0);
  return d;
}

function initialValues(zone: string, booking?: BookingView | null, draft?: BookingDraft | null): Values {
  const startsAt = booking?.startsAt ?? draft?.startsAt ?? nextHour();
  const endsAt = booking?.endsAt ?? draft?.endsAt ?? new Date(startsAt.getTime() + 3600_000);
  const start = instantToWallClock(startsAt, zone);
  const end = instantToWallClock(endsAt, zone);
  return {
    client: booking?.clientId
      ? { id: booking.clientId, name: booking.clientName ?? "Client" }
      : (draft?.client ?? null),
    title: booking?.title ?? "Session",
    date: start.slice(0, 10),
    start: start.slice(11),
    end: end.slice(11),
    location: booking?.location ?? "",
    notes: booking?.notes ?? "",
    clientZone: booking?.timeZone ?? "",
    status: "proposed",
  };
}

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function timeOf(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

type Span =
  | { ok: true; startsAt: Date; endsAt: Date; nextDay: boolean; note?: string }
  | { ok: false; message: string | null };

/** Reads the date and wall-clock times as the user's zone says them (DST gaps and repeats included). */
function readSpan(values: Values, zone: string): Span {
  if (!values.date || !values.start || !values.end) return { ok: false, message: "Enter a date, a start and an end" };
  if (values.start === values.end) return { ok: false, message: "The end must be after the start" };
  const nextDay = minutesOf(values.end) < minutesOf(values.start);
  const start = wallClockToInstant(`${values.date}T${values.start}`, zone);
  if (!start.ok) return { ok: false, message: start.message };
  const endDay = nextDay ? addDays(values.date, 1) : values.date;
  const end = wallClockToInstant(`${endDay}T${values.end}`, zone);
  if (!end.ok) return { ok: false, message: end.message };
  const notes = [start.note, end.note].filter(Boolean);
  return {
    ok: true,
    startsAt: start.instant,
    endsAt: end.instant,
    nextDay,
    ...(notes.length ? { note: notes.join(" ") } : {}),
  };
}

/** The value as it was once its key stopped changing for `ms` (the key stands for the value). */
function useDebouncedKey<T>(value: T, key: string, ms: number): T {
  const latest = useRef(value);
  latest.current = value;
  const [settled, setSettled] = useState(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the value
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(latest.current), ms);
    return () => window.clearTimeout(timer);
  }, [key, ms]);
  return settled;
}

export function BookingFormDialog({ open, onOpenChange, booking, draft, onSaved }: BookingFormDialogProps) {
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={booking ? "Edit booking" : "New booking"}
      description={booking ? "Change the details or move it to another time." : "Book a session with a client."}
    >
      {open ? (
        <BookingForm
          key={booking?.id ?? "new"}
          booking={booking ?? null}
          draft={draft ?? null}
          onCancel={() => onOpenChange(false)}
          onSaved={(saved) => {
            onOpenChange(false);
            onSaved?.(saved);
          }}
        />
      ) : null}
    </Modal>
  );
}

function BookingForm({
  booking,
  draft,
  onCancel,
  onSaved,
}: {
  booking: BookingView | null;
  draft: BookingDraft | null;
  onCancel: () => void;
  onSaved: (booking: BookingView) => void;
}) {
  const zone = useUserTimeZone();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [values, setValues] = useState<Values>(() => initialValues(zone, booking, draft));
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const timeRef = useRef<HTMLInputElement>(null);
  const clientRef = useRef<HTMLInputElement>(null);
  const statusId = useId();

  const final = booking?.status === "completed" || booking?.status === "cancelled";
  /** Busy time imported from Google: it may stay without a client. */
  const busyBlock = Boolean(booking && !booking.clientId);
  const span = readSpan(values, zone);
  const zones = useMemo<ComboboxOption[]>(
    () => [
      { value: "", label: "Same as mine", detail: zoneLabel(zone), keywords: "none mine" },
      ...timeZoneOptions(values.clientZone || undefined),
    ],
    [zone, values.clientZone],
  );

  // Warn about a clash while the times are being chosen; the server still decides on submit.
  const slotKey = span.ok ? `${span.startsAt.toISOString()}|${span.endsAt.toISOString()}` : "";
  const slotInput = useDebouncedKey(
    span.ok ? { startsAt: span.startsAt, endsAt: span.endsAt, ...(booking ? { excludeId: booking.id } : {}) } : null,
    slotKey,
    300,
  );
  const slot = trpc.bookings.checkSlot.useQuery(slotInput ?? { startsAt: new Date(0), endsAt: new Date(1) }, {
    enabled: Boolean(slotInput) && span.ok && !final,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const conflict = span.ok && slotInput && slot.data && !slot.data.available ? slot.data.conflict : null;

  function set<K extends keyof Values>(field: K, value: Values[K]) {
    setValues((v) => {
      const next = { ...v, [field]: value };
      // Moving the start keeps the length, as calendar apps do.
      if (field === "start" && typeof value === "string" && value && v.start && v.end) {
        const length = (minutesOf(v.end) - minutesOf(v.start) + 1440) % 1440 || 60;
        next.end = timeOf(minutesOf(value) + length);
      }
      return next;
    });
    const name: FieldName | null =
      field === "date" || field === "start" || field === "end"
        ? "time"
        : field === "status"
          ? null
          : (field as FieldName);
    if (name && errors[name]) setErrors((e) => ({ ...e, [name]: undefined }));
    if (formError) setFormError(null);
  }

  function onServerError(error: unknown) {
    const field = errorField(error);
    const mapped = field ? SERVER_FIELDS[field] : undefined;
    const message = userMessage(error);
    if (mapped && !(mapped === "time" && final)) {
      setErrors({ [mapped]: message });
      if (mapped === "time") timeRef.current?.focus();
      else if (mapped === "title") titleRef.current?.focus();
      else if (mapped === "client") clientRef.current?.focus();
    } else if (errorCode(error) === "CONFLICT" && booking) {
      // Changed elsewhere since it was opened: fetch the latest so reopening the form starts from it.
      void utils.bookings.get.invalidate({ id: booking.id });
      void utils.bookings.list.invalidate();
      setFormError(`${message} Close this form and open it again to see the latest version.`);
    } else {
      setFormError(message);
    }
  }

  const create = trpc.bookings.create.useMutation({
    onSuccess: async (saved) => {
      toast({ title: "Booking created", description: `${saved.title} with ${saved.clientName ?? "your client"}` });
      await utils.bookings.invalidate();
      onSaved(saved);
    },
    onError: onServerError,
  });
  const update = trpc.bookings.update.useMutation({
    onSuccess: async (saved) => {
      toast({ title: "Booking saved" });
      utils.bookings.get.setData({ id: saved.id }, saved);
      await utils.bookings.invalidate();
      onSaved(saved);
    },
    onError: onServerError,
  });
  const pending = create.isPending || update.isPending;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    const next: Partial<Record<FieldName, string>> = {};
    if (!values.client && !busyBlock) next.client = "Choose a client";
    if (!values.title.trim()) next.title = "Title is required";
    if (!span.ok) next.time = span.message ?? "Enter a valid time";
    if (Object.values(next).some(Boolean)) {
      setErrors(next);
      if (next.client) clientRef.current?.focus();
      else if (next.title) titleRef.current?.focus();
      else timeRef.current?.focus();
      return;
    }
    if (!span.ok) return;
    setErrors({});
    setFormError(null);
    const common = {
      title: values.title.trim(),
      location: values.location.trim() || null,
      notes: values.notes.trim() || null,
      timeZone: values.clientZone || null,
    };
    if (!booking) {
      if (!values.client) return;
      create.mutate({
        clientId: values.client.id,
        ...common,
        startsAt: span.startsAt,
        endsAt: span.endsAt,
        status: values.status,
      });
      return;
    }
    const moved =
      span.startsAt.getTime() !== booking.startsAt.getTime() || span.endsAt.getTime() !== booking.endsAt.getTime();
    update.mutate({
      id: booking.id,
      version: booking.version,
      ...(values.client && values.client.id !== booking.clientId ? { clientId: values.client.id } : {}),
      ...common,
      ...(moved ? { startsAt: span.startsAt, endsAt: span.endsAt } : {}),
    });
  }

  const timeError = errors.time ?? (!span.ok && submitted ? (span.message ?? undefined) : undefined);
  // A time the clocks skip is worth saying at once, not only on submit.
  const liveTimeError =
    timeError ?? (!span.ok && span.message && !span.message.startsWith("Enter") ? span.message : undefined);
  const timeHintId = useId();

  return (
    <form onSubmit={onSubmit} noValidate className="flex min-h-0 flex-1 flex-col">
      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto px-6 py-5">
        {formError ? <Alert variant="error">{formError}</Alert> : null}
        <Field
          label="Client"
          error={errors.client}
          hint={busyBlock ? "Optional: this is busy time from Google Calendar, with no client yet." : undefined}
        >
          {(control) => (
            <ClientPicker
              {...control}
              id={control.id}
              value={values.client}
              onChange={(client) => set("client", client)}
            />
          )}
        </Field>
        <Field label="Title" error={errors.title}>
          {({ invalid, ...control }) => (
            <Input
              {...control}
              ref={titleRef}
              name="title"
              invalid={invalid}
              value={values.title}
              maxLength={200}
              onChange={(e) => set("title", e.target.value)}
            />
          )}
        </Field>

        <fieldset className="space-y-1.5" aria-describedby={timeHintId}>
          <legend className="mb-1.5 flex w-full items-center justify-between text-sm font-medium text-zinc-800">
            <span>When</span>
            <span className="text-xs font-normal text-zinc-500">Times in {zone.replaceAll("_", " ")}</span>
          </legend>
          <div className="grid grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_auto_minmax(0,1fr)] items-end gap-2">
            <div className="space-y-1">
              <Label htmlFor={`${timeHintId}-date`} className="text-xs font-normal text-zinc-500">
                Date
              </Label>
              <Input
                id={`${timeHintId}-date`}
                type="date"
                name="date"
                required
                disabled={final}
                invalid={Boolean(liveTimeError)}
                value={values.date}
                onChange={(e) => set("date", e.target.value)}
              />
            </div>
            <div className="space-y-1">
              <Label htmlFor={`${timeHintId}-start`} className="text-xs font-normal text-zinc-500">
                Start
              </Label>
              <Input
                ref={timeRef}
                id={`${timeHintId}-start`}
                type="time"
                name="start"
                step={300}
                required
                disabled={final}
                invalid={Boolean(liveTimeError)}
                value={values.start}
                onChange={(e) => set("start", e.target.value)}
              />
            </div>
            <ArrowRight className="mb-3 size-4 text-zinc-400" aria-hidden="true" />
            <div className="space-y-1">
              <Label htmlFor={`${timeHintId}-end`} className="text-xs font-normal text-zinc-500">
                End
              </Label>
              <Input
                id={`${timeHintId}-end`}
                type="time"
                name="end"
                step={300}
                required
                disabled={final}
                invalid={Boolean(liveTimeError)}
                value={values.end}
                onChange={(e) => set("end", e.target.value)}
              />
            </div>
          </div>
          <div id={timeHintId} aria-live="polite" className="space-y-1.5 text-sm">
            {liveTimeError ? (
              <p className="text-red-600">{liveTimeError}</p>
            ) : span.ok ? (
              <>
                <p className="text-zinc-500">
                  {durationLabel(span.endsAt.getTime() - span.startsAt.getTime())}
                  {span.nextDay ? " · ends the next day" : ""}
                  {final ? ` · a ${booking?.status} booking keeps its time` : ""}
                </p>
                {span.note ? <p className="text-amber-700">{span.note}</p> : null}
                {values.clientZone && values.clientZone !== zone ? (
                  <p className="flex items-center gap-1.5 text-zinc-700">
                    <Globe className="size-4 text-zinc-400" aria-hidden="true" />
                    <span>
                      {formatTime(span.startsAt, zone)} your time ·{" "}
                      <span className="font-medium">
                        {formatTime(span.startsAt, values.clientZone)} {zoneLabel(values.clientZone)}
                      </span>
                    </span>
                  </p>
                ) : null}
              </>
            ) : null}
          </div>
        </fieldset>

        {conflict ? (
          <Alert variant="error" title="Time slot unavailable">
            “{conflict.title}”{conflict.clientName ? ` with ${conflict.clientName}` : ""} is booked then (
            {formatTimeRange(conflict.startsAt, conflict.endsAt, zone)}). Choose another time.
          </Alert>
        ) : null}

        {booking ? null : (
          <fieldset>
            <legend id={statusId} className="mb-1.5 text-sm font-medium text-zinc-800">
              Status
            </legend>
            <div className="inline-flex rounded-lg bg-zinc-100 p-1" role="radiogroup" aria-labelledby={statusId}>
              {(["proposed", "confirmed"] as const).map((status) => (
                <label
                  key={status}
                  className={cn(
                    "cursor-pointer rounded-md px-3 py-1.5 text-sm font-medium text-zinc-600 transition-colors has-focus-visible:outline-2 has-focus-visible:outline-indigo-600",
                    values.status === status && "bg-white text-zinc-900 shadow-sm",
                  )}
                >
                  <input
                    type="radio"
                    name="status"
                    value={status}
                    className="sr-only"
                    checked={values.status === status}
                    onChange={() => set("status", status)}
                  />
                  {status === "proposed" ? "Proposed" : "Confirmed"}
                </label>
              ))}
            </div>
          </fieldset>
        )}

        <Field label="Location or meeting link" error={errors.location}>
          {({ invalid, ...control }) => (
            <Input
              {...control}
              name="location"
              invalid={invalid}
              placeholder="Studio, or https://meet.example/…"
              value={values.location}
              maxLength={500}
              onChange={(e) => set("location", e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Client's time zone"
          error={errors.clientZone}
          hint="Optional: when the client is elsewhere, both times are shown."
        >
          {({ invalid, ...control }) => (
            <Combobox
              {...control}
              invalid={invalid}
              options={zones}
              value={values.clientZone}
              onChange={(value) => set("clientZone", value)}
              placeholder="Same as mine"
              emptyMessage="No time zone matches"
            />
          )}
        </Field>
        <Field label="Notes" error={errors.notes}>
          {({ invalid, ...control }) => (
            <textarea
              {...control}
              name="notes"
              aria-invalid={invalid || undefined}
              rows={3}
              maxLength={5000}
              className={cn(controlClasses, "min-h-20 resize-y py-2")}
              value={values.notes}
              onChange={(e) => set("notes", e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="flex items-center justify-end gap-3 border-t border-zinc-100 bg-zinc-50/60 px-6 py-3 sm:rounded-b-2xl">
        <Button variant="ghost" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" loading={pending}>
          {booking ? (pending ? "Saving…" : "Save booking") : pending ? "Booking…" : "Book session"}
        </Button>
      </div>
    </form>
  );
}
