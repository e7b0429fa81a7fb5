import { FileSpreadsheet, UploadCloud } from "lucide-react";
import { type DragEvent, useId, useRef, useState } from "react";
import { cn } from "../../lib/utils";
import { Alert } from "../ui/alert";

export interface DropZoneProps {
  onFile: (file: File) => void;
  /** The upload under way: the file's name and how much has gone up (0–1). */
  uploading?: { name: string; progress: number } | null;
  error?: string | null;
}

/** A large target for dropping a CSV file, which is also a button that opens the file picker. */
export function DropZone({ onFile, uploading, error }: DropZoneProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const hintId = useId();
  const busy = Boolean(uploading);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    if (busy) return;
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  }

  return (
    <div className="space-y-3">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop target wraps a real button */}
      <div
        onDragEnter={(e) => {
          e.preventDefault();
          if (!busy) setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = busy ? "none" : "copy";
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={onDrop}
        data-dragging={over || undefined}
        className={cn(
          "relative flex flex-col items-center justify-center rounded-xl border-2 border-dashed bg-white px-6 py-12 text-center transition-colors",
          over ? "border-indigo-500 bg-indigo-50/60" : "border-zinc-300",
          error && !over && "border-red-300",
        )}
      >
        <div className="relative mb-4">
          <div className="absolute inset-0 scale-150 rounded-full bg-indigo-100/60 blur-xl" aria-hidden="true" />
          <div className="relative flex size-14 items-center justify-center rounded-2xl bg-gradient-to-b from-indigo-50 to-indigo-100 ring-1 ring-indigo-200/70">
            {busy ? (
              <FileSpreadsheet className="size-7 text-indigo-600" aria-hidden="true" strokeWidth={1.75} />
            ) : (
              <UploadCloud className="size-7 text-indigo-600" aria-hidden="true" strokeWidth={1.75} />
            )}
          </div>
        </div>
        {uploading ? (
          <div className="w-full max-w-sm space-y-2" aria-live="polite">
            <p className="truncate text-sm font-medium text-zinc-900">Reading {uploading.name}…</p>
            <div
              className="h-2 overflow-hidden rounded-full bg-zinc-100"
              role="progressbar"
              aria-label="Upload"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(uploading.progress * 100)}
            >
              <div
                className="h-full rounded-full bg-indigo-600 transition-[width] duration-200"
                style={{ width: `${Math.max(4, uploading.progress * 100)}%` }}
              />
            </div>
          </div>
        ) : (
          <>
            <p className="text-base font-semibold text-zinc-900">
              {over ? "Drop the file to upload it" : "Drop a CSV file here"}
            </p>
            <p id={hintId} className="mt-1.5 max-w-md text-sm text-zinc-500">
              CSV, TSV or TXT, up to 10 MB. Exports of Google Contacts, Outlook and HubSpot work as they are.
            </p>
            <button
              type="button"
              onClick={() => inputRef.current?.click()}
              aria-describedby={hintId}
              className="mt-5 inline-flex h-10 items-center gap-2 rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white shadow-sm transition-colors hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              Choose a file
            </button>
          </>
        )}
        <input
          ref={inputRef}
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
          className="sr-only"
          tabIndex={-1}
          aria-label="CSV file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) onFile(file);
          }}
        />
      </div>
      {error ? (
        <Alert variant="error" title="This file can't be imported">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
