import type { ImportDraft } from "./shared";

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const NETWORK_MESSAGE = "Can't reach the server. Check your connection and try again.";

/** An upload the server (or the browser, before sending) refused, with a sentence to show. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Refuses what cannot work before sending it; null when the file may go up. */
export function checkFile(file: File): string | null {
  const name = file.name.toLowerCase();
  if (/\.(xlsx|xlsm|xls|numbers|ods)$/.test(name)) {
    return "Spreadsheet files can't be read directly. In Excel or Numbers, choose File › Save As (or Export) › CSV, then upload that file.";
  }
  if (/\.(vcf|vcard)$/.test(name)) {
    return "This is a vCard file. Export your contacts as CSV instead (Google Contacts: Export › Google CSV).";
  }
  if (file.size > MAX_IMPORT_BYTES)
    return "The file is larger than 10 MB. Split it into smaller files and import each.";
  if (file.size === 0) return "The file is empty";
  return null;
}

function messageFor(status: number, body: unknown): string {
  const error =
    body && typeof body === "object" && typeof (body as { error?: unknown }).error === "string"
      ? (body as { error: string }).error
      : null;
  if (status === 413) return "The file is larger than 10 MB. Split it into smaller files and import each.";
  if (status === 401) return "Your session has ended. Sign in again, then upload the file.";
  if (status === 403) return "The upload was refused. Reload the page and try again.";
  if (status === 415) return "Send a CSV file (comma, semicolon or tab separated).";
  if (status >= 400 && status < 500 && error) return error;
  return "Something went wrong while reading the file. Please try again.";
}

/**
 * Sends the file as the raw request body to POST /api/v1/imports (same origin, so the session cookie
 * goes along) and reports upload progress from 0 to 1.
 */
export function uploadImportFile(
  file: File,
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<ImportDraft> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/imports?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status === 201 || xhr.status === 200) {
        if (body && typeof body === "object" && "id" in body) resolve(body as ImportDraft);
        else reject(new UploadError("The server answered in an unexpected way. Please try again.", xhr.status));
        return;
      }
      reject(new UploadError(messageFor(xhr.status, body), xhr.status));
    };
    xhr.onerror = () => reject(new UploadError(NETWORK_MESSAGE, null));
    xhr.onabort = () => reject(new UploadError("Upload cancelled", null));
    options.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
