import type { ClientsCsvQuery } from "@crm/shared";
import { FileSpreadsheet } from "lucide-react";
import { Button } from "../ui/button";

/** The CSV download of the list as filtered now (GET /api/v1/clients.csv takes clients.list's filter). */
export function clientsCsvUrl(filter: ClientsCsvQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter))
    if (value !== undefined && value !== "") params.set(key, String(value));
  const query = params.toString();
  return `/api/v1/clients.csv${query ? `?${query}` : ""}`;
}

/**
 * "Export CSV" on the Clients page: every client matching the current filter and sort (not only the
 * rows loaded on screen), streamed by the server as a file a spreadsheet opens. Offered only when the
 * list has someone in it.
 */
export function ExportCsvLink({ filter, empty }: { filter: ClientsCsvQuery; empty: boolean }) {
  if (empty) {
    return (
      <Button variant="secondary" disabled title="No clients match this view">
        <FileSpreadsheet className="size-4" aria-hidden="true" />
        Export CSV
      </Button>
    );
  }
  return (
    <Button variant="secondary" asChild>
      <a href={clientsCsvUrl(filter)} download>
        <FileSpreadsheet className="size-4" aria-hidden="true" />
        Export CSV
      </a>
    </Button>
  );
}
