import { DomainError } from "../errors";

/** Opaque page cursors: base64url JSON of the sort they belong to and the last row's keys. */
export interface Cursor {
  sort: string;
  values: string[];
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, ...cursor.values])).toString("base64url");
}

export function decodeCursor(raw: string, expectedSort: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length >= 2 && parsed.every((v) => typeof v === "string")) {
      const [sort, ...values] = parsed as string[];
      if (sort === expectedSort) return { sort: sort!, values };
    }
  } catch {
    // fall through
  }
  throw new DomainError("VALIDATION", "This page link is out of date; start from the first page", { field: "cursor" });
}
