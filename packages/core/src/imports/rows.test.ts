import { clientCreateInput } from "@crm/shared";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { decodeCsvBytes } from "./decode";
import { type ImportMapping, suggestMapping } from "./mapping";
import { parseCsv } from "./parse";
import { readImportFile } from "./read";
import {
  failedRowsCsv,
  findInFileDuplicates,
  type MapRowResult,
  mapRow,
  parseTags,
  splitFullName,
  summarizePreview,
} from "./rows";
import { fixtureBytes } from "./test-fixtures";

const US = { phoneRegion: "US", timeZone: "America/New_York", now: new Date("2026-03-01T09:00:00Z") };

function mapFixture(name: string, phoneRegion = "US") {
  const file = readImportFile(fixtureBytes(name));
  const mapping = suggestMapping(file.headers);
  return file.rows.map((row) => ({ line: row.line, result: mapRow(row.values, mapping, { ...US, phoneRegion }) }));
}

function reasonOf(result: MapRowResult): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.client)}`);
  return result.reason;
}

// Columns: 0 first, 1 last, 2 full, 3 email, 4 phone, 5 company, 6 status, 7 tags, 8 source, 9 notes.
const ALL: ImportMapping = {
  0: "firstName",
  1: "lastName",
  2: "fullName",
  3: "email",
  4: "phone",
  5: "company",
  6: "status",
  7: "tags",
  8: "source",
  9: "notes",
};
const row = (cells: Partial<Record<number, string>>) => Array.from({ length: 10 }, (_, i) => cells[i] ?? "");

describe("mapRow", () => {
  it("maps a Google Contacts export", () => {
    const [ada, grace, jose, acme] = mapFixture("google-contacts.csv");
    expect(ada).toEqual({
      line: 2,
      result: {
        ok: true,
        client: {
          firstName: "Ada",
          lastName: "Lovelace",
          // Google packs two addresses of one label into one cell; the first is taken.
          email: "ada@example.com",
          phone: "+14155552671",
          company: "Analytical Engines Ltd",
          status: "active",
          tags: ["clients", "starred"],
          source: null,
          consent: {},
        },
        note: "Met at the Babbage talk.\nPrefers mornings.",
      },
    });
    expect(grace?.line).toBe(6);
    expect(grace?.result).toMatchObject({ ok: true, client: { phone: "+12025550147", tags: ["leads"] } });
    expect(jose?.result).toMatchObject({
      ok: true,
      client: { firstName: "José", lastName: "Álvarez", company: "Café Olé, S.L.", phone: "+34612345678", tags: [] },
    });
    expect(acme?.result).toEqual({
      ok: false,
      reason: "A name or an email is required",
      problems: ["A name or an email is required"],
    });
  });

  it("maps an older Google Contacts export, splitting the full name only when needed", () => {
    const [linus, margaret, noName] = mapFixture("google-contacts-legacy.csv");
    expect(linus?.result).toMatchObject({
      ok: true,
      client: {
        firstName: "Linus",
        lastName: "Torvalds",
        email: "linus@kernel.example",
        phone: "+15035550100",
        company: "Linux Foundation",
        tags: ["kernel"],
      },
    });
    expect(margaret?.result).toMatchObject({
      ok: true,
      client: { firstName: "Margaret", lastName: "Hamilton", tags: ["apollo", "clients"] },
      note: "Referred by Grace",
    });
    expect(noName?.result).toMatchObject({
      ok: true,
      client: { firstName: null, lastName: null, email: "info@noname.example" },
    });
  });

  it("maps an Outlook export", () => {
    const [sarah, tom, priya] = mapFixture("outlook.csv");
    expect(sarah?.result).toEqual({
      ok: true,
      client: {
        firstName: "Sarah",
        lastName: "Mitchell",
        email: "sarah@mitchell.example",
        phone: "+19175550142",
        company: "Mitchell Coaching",
        status: "active",
        tags: ["clients", "vip"],
        source: null,
        consent: {},
      },
      note: 'Quarterly check-in.\nSends invoices to "accounts".',
    });
    // Tom has only a home phone, which the mapping (mobile) does not read.
    expect(tom?.result).toMatchObject({ ok: true, client: { lastName: "O'Brien", phone: null, tags: ["leads"] } });
    // Sarah's note spans two lines, so Priya's row starts on line 5.
    expect(priya).toEqual({
      line: 5,
      result: {
        ok: false,
        reason:
          'Email "priya@" is not a valid email address; Phone "555-0199" is not a valid phone number for US; international numbers start with +',
        problems: [
          'Email "priya@" is not a valid email address',
          'Phone "555-0199" is not a valid phone number for US; international numbers start with +',
        ],
      },
    });
  });

  it("maps a HubSpot export", () => {
    const results = mapFixture("hubspot.csv");
    expect(results.map((r) => r.result.ok)).toEqual([true, true, true, true]);
    expect(results[0]?.result).toMatchObject({
      client: {
        firstName: "Maria",
        email: "maria.garcia@example.com",
        phone: "+16175550111",
        company: "Garcia Design",
        tags: ["customer"],
        source: "Organic Search",
        status: "active",
      },
    });
    expect(results[2]?.result).toMatchObject({ client: { phone: "+8613800138000", tags: ["subscriber"] } });
  });

  it("maps a German file with the user's region", () => {
    const [juergen, anna] = mapFixture("bom-semicolon.csv", "DE");
    expect(juergen?.result).toMatchObject({
      ok: true,
      client: { firstName: "Jürgen", lastName: "Müller", phone: "+4930901820", company: "Müller & Söhne GmbH" },
      note: "Zahlt per Überweisung, 30 Tage",
    });
    expect(anna?.result).toMatchObject({ ok: true, client: { phone: "+49891234567", company: null } });
  });

  it("names the field and the value in each problem", () => {
    expect(reasonOf(mapRow(row({ 0: "Ada", 3: "x@" }), ALL, US))).toBe('Email "x@" is not a valid email address');
    expect(reasonOf(mapRow(row({ 0: "Ada", 4: "123" }), ALL, US))).toMatch(
      /^Phone "123" is not a valid phone number for US/,
    );
    expect(reasonOf(mapRow(row({ 0: "Ada", 4: "call me" }), ALL, US))).toBe('Phone "call me" has no digits');
    expect(reasonOf(mapRow(row({ 0: "Ada", 4: "4.15555E+12" }), ALL, US))).toMatch(
      /^Phone "4.15555E\+12" was turned into a number by a spreadsheet/,
    );
    expect(reasonOf(mapRow(row({ 4: "(415) 555-2671", 5: "Acme" }), ALL, US))).toBe("A name or an email is required");
    expect(reasonOf(mapRow(row({ 0: "Ada", 6: "vip" }), ALL, US))).toBe(
      'Status "vip" must be active, inactive or archived',
    );
    expect(reasonOf(mapRow(row({ 0: "Ada", 7: "a".repeat(41) }), ALL, US))).toBe(
      `Tag "${"a".repeat(41)}" is longer than 40 characters`,
    );
    const manyTags = Array.from({ length: 21 }, (_, i) => `t${i}`).join(",");
    expect(reasonOf(mapRow(row({ 0: "Ada", 7: manyTags }), ALL, US))).toBe(
      "Tags: at most 20 per client (this row has 21)",
    );
    expect(reasonOf(mapRow(row({ 0: "A".repeat(101) }), ALL, US))).toBe("First name must be at most 100 characters");
    expect(reasonOf(mapRow(row({ 0: "Ada", 9: "x".repeat(20_001) }), ALL, US))).toBe(
      "Notes are longer than 20,000 characters",
    );
  });

  it("fills defaults and reads values leniently", () => {
    const result = mapRow(
      row({
        2: "  Ada   King Lovelace ",
        3: " Ada <ADA@Example.com> ",
        6: " Inactive ",
        7: "VIP; vip, Yoga ::: * myContacts",
      }),
      ALL,
      US,
    );
    expect(result).toEqual({
      ok: true,
      client: {
        firstName: "Ada",
        lastName: "King Lovelace",
        email: "ADA@Example.com",
        phone: null,
        company: null,
        status: "inactive",
        tags: ["vip", "yoga"],
        source: null,
        consent: {},
      },
      note: null,
    });
    expect(mapRow(row({ 3: "ada@example.com" }), ALL, US)).toMatchObject({ ok: true, client: { status: "active" } });
  });

  it("prefers first and last name over the full name", () => {
    expect(mapRow(row({ 0: "Ada", 2: "Someone Else" }), ALL, US)).toMatchObject({
      client: { firstName: "Ada", lastName: null },
    });
  });

  it("gives clients that clientCreateInput accepts", () => {
    for (const { result } of [...mapFixture("google-contacts.csv"), ...mapFixture("hubspot.csv")]) {
      if (result.ok) expect(clientCreateInput.safeParse(result.client).success).toBe(true);
    }
  });
});

describe("splitFullName and parseTags", () => {
  it("splits names", () => {
    expect(splitFullName("Ada Lovelace")).toEqual({ firstName: "Ada", lastName: "Lovelace" });
    expect(splitFullName("Lovelace, Ada")).toEqual({ firstName: "Ada", lastName: "Lovelace" });
    expect(splitFullName("Cher")).toEqual({ firstName: "Cher", lastName: "" });
    expect(splitFullName("")).toEqual({ firstName: "", lastName: "" });
  });

  it("splits tags on commas, semicolons and Google's separator", () => {
    expect(parseTags("Clients ::: * myContacts ::: * starred")).toEqual(["clients", "starred"]);
    expect(parseTags("* My Contacts ::: Kernel")).toEqual(["kernel"]);
    expect(parseTags("Clients;VIP;clients")).toEqual(["clients", "vip"]);
    expect(parseTags(" a , b ,, ")).toEqual(["a", "b"]);
    expect(parseTags("")).toEqual([]);
  });
});

describe("findInFileDuplicates", () => {
  it("finds emails already on an earlier line, in any case", () => {
    expect(
      findInFileDuplicates([
        { line: 2, email: "ada@example.com" },
        { line: 3, email: null },
        { line: 5, email: " ADA@example.com" },
        { line: 6, email: "grace@example.com" },
        { line: 7 },
        { line: 9, email: "Ada@Example.com" },
        { line: 10, email: "" },
        { line: 11, email: "" },
      ]),
    ).toEqual([5, 9]);
  });

  it("finds the duplicate in the HubSpot export", () => {
    const rows = mapFixture("hubspot.csv").map(({ line, result }) => ({
      line,
      email: result.ok ? result.client.email : null,
    }));
    expect(findInFileDuplicates(rows)).toEqual([5]);
  });
});

describe("summarizePreview", () => {
  it("maps the first rows and counts the whole file", () => {
    const file = readImportFile(fixtureBytes("outlook.csv"));
    const preview = summarizePreview(file, suggestMapping(file.headers), { ...US, limit: 2 });
    expect(preview.mappingError).toBeNull();
    expect(preview.counts).toEqual({ rows: 3, valid: 2, invalid: 1, duplicates: 0 });
    expect(preview.rows).toHaveLength(2);
    expect(preview.rows[0]).toMatchObject({
      line: 2,
      client: { firstName: "Sarah" },
      problems: [],
      duplicateOfLine: null,
    });
  });

  it("marks in-file duplicates and lists problems", () => {
    const file = readImportFile(fixtureBytes("hubspot.csv"));
    const preview = summarizePreview(file, suggestMapping(file.headers), US);
    expect(preview.counts).toEqual({ rows: 4, valid: 4, invalid: 0, duplicates: 1 });
    expect(preview.rows.map((r) => r.duplicateOfLine)).toEqual([null, null, null, 2]);

    const bad = parseCsv("name,email,status\nAda,ada@,vip\nGrace,grace@example.com,\n");
    const badPreview = summarizePreview(bad, suggestMapping(bad.headers), US);
    expect(badPreview.rows[0]?.problems).toEqual([
      'Email "ada@" is not a valid email address',
      'Status "vip" must be active, inactive or archived',
    ]);
    expect(badPreview.rows[0]?.client).toBeNull();
    expect(badPreview.counts).toEqual({ rows: 2, valid: 1, invalid: 1, duplicates: 0 });
  });

  it("reports a mapping without name or email, and an empty file", () => {
    const file = parseCsv("phone\n(415) 555-2671\n");
    expect(summarizePreview(file, suggestMapping(file.headers), US).mappingError).toMatch(/email or a name/);
    const headersOnly = readImportFile(fixtureBytes("headers-only.csv"));
    const preview = summarizePreview(headersOnly, suggestMapping(headersOnly.headers), US);
    expect(preview.counts).toEqual({ rows: 0, valid: 0, invalid: 0, duplicates: 0 });
    expect(preview.rows).toEqual([]);
  });

  it("shows at most 20 rows by default", () => {
    const text = `email\n${Array.from({ length: 30 }, (_, i) => `p${i}@example.com`).join("\n")}\n`;
    const parsed = parseCsv(text);
    const preview = summarizePreview(parsed, { 0: "email" }, US);
    expect(preview.rows).toHaveLength(20);
    expect(preview.counts.valid).toBe(30);
  });
});

describe("failedRowsCsv", () => {
  const headers = ["Name", "Email", "Notes"];
  const failures = [
    { line: 7, values: ["Grace", "grace@", " padded "], reason: 'Email "grace@" is not a valid email address' },
    {
      line: 3,
      values: ['Ada "the first", Lovelace', "ada@", "two\nlines"],
      reason: 'Email "ada@" is not a valid email address; Status "vip" must be active, inactive or archived',
    },
    { line: 9, values: ["Short"], reason: "A name or an email is required" },
  ];

  it("writes the failed rows with Problem and Line columns, quoted where needed", () => {
    const csv = failedRowsCsv(headers, failures);
    expect(csv.startsWith("\uFEFFName,Email,Notes,Problem,Line\r\n")).toBe(true);
    expect(csv).toContain('"Ada ""the first"", Lovelace",ada@,"two\nlines",');
    expect(csv.endsWith("Short,,,A name or an email is required,9\r\n")).toBe(true);
    expect(failedRowsCsv(headers, [], { bom: false })).toBe("Name,Email,Notes,Problem,Line\r\n");
  });

  it("reads back the same with csv-parse, in line order", () => {
    const records = parse(failedRowsCsv(headers, failures), { bom: true }) as string[][];
    expect(records).toEqual([
      ["Name", "Email", "Notes", "Problem", "Line"],
      ['Ada "the first", Lovelace', "ada@", "two\nlines", failures[1]?.reason, "3"],
      ["Grace", "grace@", " padded ", failures[0]?.reason, "7"],
      ["Short", "", "", "A name or an email is required", "9"],
    ]);
  });

  it("round-trips through the importer itself, with the file's delimiter", () => {
    const csv = failedRowsCsv(headers, failures, { delimiter: ";" });
    const again = parseCsv(decodeCsvBytes(new TextEncoder().encode(csv)).text);
    expect(again.delimiter).toBe(";");
    expect(again.headers).toEqual(["Name", "Email", "Notes", "Problem", "Line"]);
    expect(again.rows.map((r) => r.values[0])).toEqual(['Ada "the first", Lovelace', "Grace", "Short"]);
    // Spaces inside quotes are data to the parser (mapRow trims them later).
    expect(again.rows[1]?.values[2]).toBe(" padded ");
    // Importing the fixed file and failing again replaces the old Problem and Line columns.
    const second = failedRowsCsv(again.headers, [{ ...again.rows[0]!, reason: "Still wrong" }], { bom: false });
    expect(second.split("\r\n")[0]).toBe("Name,Email,Notes,Problem,Line");
    expect(parse(second)[1]).toEqual(['Ada "the first", Lovelace', "ada@", "two\nlines", "Still wrong", "2"]);
  });
});
