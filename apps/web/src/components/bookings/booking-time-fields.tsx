import { ArrowRight, Globe } from "lucide-react";
import { type Ref, useId } from "react";
import { durationLabel, formatTime, zoneLabel } from "../../lib/time";
import { Input } from "../ui/input";
import { Label } from "../ui/label";
import type { Span, Values } from "./booking-form-values";

export interface BookingTimeFieldsProps {
  values: Values;
  zone: string;
  span: Span;
  error: string | undefined;
  /** A completed or cancelled booking keeps its time: the fields are shown but locked. */
  final: boolean;
  finalStatus: string | undefined;
  startRef: Ref<HTMLInputElement>;
  onChange: (field: "date" | "start" | "end", value: string) => void;
}

/** The date, start and end of a booking, with its length and the client's local time below. */
export function BookingTimeFields({
  values,
  zone,
  span,
  error,
  final,
  finalStatus,
  startRef,
  onChange,
}: BookingTimeFieldsProps) {
  const timeHintId = useId();
  return (
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
            invalid={Boolean(error)}
            value={values.date}
            onChange={(e) => onChange("date", e.target.value)}
          />
        </div>
        <div className="space-y-1">
          <Label htmlFor={`${timeHintId}-start`} className="text-xs font-normal text-zinc-500">
            Start
          </Label>
          <Input
            ref={startRef}
            id={`${timeHintId}-start`}
            type="time"
            name="start"
            step={300}
            required
            disabled={final}
            invalid={Boolean(error)}
            value={values.start}
            onChange={(e) => onChange("start", e.target.value)}
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
            invalid={Boolean(error)}
            value={values.end}
            onChange={(e) => onChange("end", e.target.value)}
          />
        </div>
      </div>
      <div id={timeHintId} aria-live="polite" className="space-y-1.5 text-sm">
        {error ? (
          <p className="text-red-600">{error}</p>
        ) : span.ok ? (
          <>
            <p className="text-zinc-500">
              {durationLabel(span.endsAt.getTime() - span.startsAt.getTime())}
              {span.nextDay ? " · ends the next day" : ""}
              {final ? ` · a ${finalStatus} booking keeps its time` : ""}
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
  );
}
