import { keepPreviousData } from "@tanstack/react-query";
import { type FormEvent, useId, useMemo, useRef, useState } from "react";
import { errorCode, errorField, userMessage } from "../../lib/errors";
import { timeZoneOptions } from "../../lib/regions";
import { formatTimeRange, useUserTimeZone, zoneLabel } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { useDebouncedKey } from "../../lib/use-debounced";
import { cn } from "../../lib/utils";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Combobox, type ComboboxOption } from "../ui/combobox";
import { Dialog, DialogClose, DialogContent } from "../ui/dialog";
import { Field } from "../ui/field";
import { controlClasses, Input } from "../ui/input";
import { useToast } from "../ui/toast";
import {
  type BookingDraft,
  type FieldName,
  initialValues,
  minutesOf,
  readSpan,
  SERVER_FIELDS,
  timeOf,
  type Values,
} from "./booking-form-values";
import { BookingTimeFields } from "./booking-time-fields";
import { ClientPicker } from "./client-picker";
import type { BookingView } from "./types";

export type { BookingDraft };

export interface BookingFormDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Edit this booking; without it the form creates one. */
  booking?: BookingView | null;
  draft?: BookingDraft | null;
  onSaved?: (booking: BookingView) => void;
}

export function BookingFormDialog({ open, onOpenChange, booking, draft, onSaved }: BookingFormDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open ? (
        <BookingForm
          key={booking?.id ?? "new"}
          booking={booking ?? null}
          draft={draft ?? null}
          onSaved={(saved) => {
            onOpenChange(false);
            onSaved?.(saved);
          }}
        />
      ) : null}
    </Dialog>
  );
}

function BookingForm({
  booking,
  draft,
  onSaved,
}: {
  booking: BookingView | null;
  draft: BookingDraft | null;
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
  const formId = useId();

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

  return (
    <DialogContent
      title={booking ? "Edit booking" : "New booking"}
      description={booking ? "Change the details or move it to another time." : "Book a session with a client."}
      footer={
        <>
          <DialogClose asChild>
            <Button variant="ghost" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <Button type="submit" form={formId} loading={pending}>
            {booking ? (pending ? "Saving…" : "Save booking") : pending ? "Booking…" : "Book session"}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={onSubmit} noValidate className="space-y-5">
        {formError ? <Alert variant="error">{formError}</Alert> : null}
        <Field
          label="Client"
          error={errors.client}
          hint={busyBlock ? "Optional: this is busy time from Google Calendar, with no client yet." : undefined}
        >
          {(control) => (
            <ClientPicker
              {...control}
              ref={clientRef}
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

        <BookingTimeFields
          values={values}
          zone={zone}
          span={span}
          error={liveTimeError}
          final={final}
          finalStatus={booking?.status}
          startRef={timeRef}
          onChange={set}
        />

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
      </form>
    </DialogContent>
  );
}
