import { type ClientListInput, clientListInput } from "@crm/shared";
import { listClients } from "../../clients/list";
import type { AuthedContext } from "../../context";
import { listStages } from "../../pipeline/stages";
import { parseInput } from "../../validation";
import { CSV_BOM, csvLine } from "./csv";

const HEADERS = [
  "Name",
  "First name",
  "Last name",
  "Email",
  "Phone",
  "Company",
  "Status",
  "Stage",
  "Tags",
  "Source",
  "Created",
  "Updated",
];

/**
 * The Clients page's current filter (status, stage, tag, search, sort as clients.list takes them) as a
 * CSV a spreadsheet opens, page by page through the list itself: the same rows in the same order as
 * on screen, one page of 100 in memory at a time.
 */
export async function* clientsCsv(
  ctx: AuthedContext,
  rawFilter: Omit<ClientListInput, "cursor" | "limit">,
): AsyncGenerator<string> {
  const filter = parseInput(clientListInput, { ...rawFilter, limit: 100 });
  const stageNames = new Map((await listStages(ctx)).map((s) => [s.id, s.name]));
  let cursor: string | null = null;
  // The header goes out with the first page, so a filter the list refuses fails before any byte.
  let text = CSV_BOM + csvLine(HEADERS);
  do {
    const page = await listClients(ctx, { ...filter, cursor });
    for (const c of page.items) {
      text += csvLine([
        c.name,
        c.firstName,
        c.lastName,
        c.email,
        c.phone,
        c.company,
        c.status,
        c.stageId ? (stageNames.get(c.stageId) ?? "") : "",
        c.tags,
        c.source,
        c.createdAt,
        c.updatedAt,
      ]);
    }
    yield text;
    text = "";
    cursor = page.nextCursor;
  } while (cursor);
}
