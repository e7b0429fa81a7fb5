import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { decodeCsvBytes, ImportFileError } from "./decode";
import { detectDelimiter, parseCsv } from "./parse";
import { readImportFile } from "./read";
import { fixtureBytes } from "./test-fixtures";

const textOf = (name: string) => decodeCsvBytes(fixtureBytes(name)).text;

describe("detectDelimiter", () => {
  it("finds comma, semicolon and tab", () => {
    expect(detectDelimiter(textOf("google-contacts.csv"))).toBe(",");
    expect(detectDelimiter(textOf("outlook.csv"))).toBe(",");
    expect(detectDelimiter(textOf("bom-semicolon.csv"))).toBe(";");
    expect(detectDelimiter(textOf("latin1.csv"))).toBe(";");
    expect(detectDelimiter(textOf("tab-separated.tsv"))).toBe("\t");
  });

  it("ignores delimiters inside quotes", () => {
    expect(detectDelimiter('"Name, full";"Notes, more";Email\n"Ada, L";"a,b,c";ada@example.com\n')).toBe(";");
    expect(detectDelimiter('name,notes\nAda,"x; y; z"\nGrace,"a;b"\n')).toBe(",");
  });

  it("prefers the delimiter that is consistent over the rows", () => {
    // A comma in a German header, decimal commas in the rows: semicolons are the columns.
    expect(detectDelimiter("Name;Firma, Abteilung;Betrag\nAda;Engines;1,5\nGrace;Navy;2,75\n")).toBe(";");
  });

  it("falls back to comma for a single column", () => {
    expect(detectDelimiter("email\nada@example.com\n")).toBe(",");
    expect(detectDelimiter("")).toBe(",");
  });
});

describe("parseCsv", () => {
  it("parses a BOM + semicolon file (German Excel)", () => {
    const parsed = parseCsv(textOf("bom-semicolon.csv"));
    expect(parsed.delimiter).toBe(";");
    expect(parsed.headers).toEqual(["Vorname", "Nachname", "E-Mail-Adresse", "Telefon", "Firma", "Notizen"]);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        values: [
          "Jürgen",
          "Müller",
          "juergen@mueller.example",
          "030 901820",
          "Müller & Söhne GmbH",
          "Zahlt per Überweisung, 30 Tage",
        ],
      },
      {
        line: 3,
        values: ["Anna", "Schmidt", "anna@schmidt.example", "+49 89 1234567", "", "Termin; bitte bestätigen"],
      },
    ]);
    expect(parsed.warnings).toEqual([]);
  });

  it("reads quoted values with delimiters, doubled quotes and newlines, and numbers lines from where each record starts", () => {
    const parsed = parseCsv(textOf("quoted-multiline.csv"));
    expect(parsed.headers).toEqual(["name", "email", "notes", "company"]);
    expect(parsed.rows).toEqual([
      { line: 2, values: ["Lovelace, Ada", "ada@example.com", 'Said "call me Ada".\nLikes tea.', "Engines"] },
      { line: 4, values: ["Grace Hopper", "grace@example.com", "Line one\nLine two\nLine three", "Navy, US"] },
      { line: 7, values: ["Alan Turing", "alan@example.com", "", "Bletchley"] },
    ]);
  });

  it("numbers lines right with LF, CRLF and CR line endings", () => {
    const lf = 'a,b\n1,"x\ny"\n\n2,z\n3,w';
    for (const text of [lf, lf.replaceAll("\n", "\r\n"), lf.replaceAll("\n", "\r")]) {
      expect(parseCsv(text).rows.map((r) => r.line)).toEqual([2, 5, 6]);
    }
  });

  it("skips blank lines, whitespace-only lines and empty rows, and trims headers", () => {
    const parsed = parseCsv(textOf("blank-lines.csv"));
    expect(parsed.headers).toEqual(["First Name", "Last Name", "Email"]);
    expect(parsed.rows).toEqual([
      { line: 4, values: ["Ada", "Lovelace", "ada@example.com"] },
      { line: 8, values: ["Grace", "Hopper", "grace@example.com"] },
    ]);
    expect(parseCsv("  First Name  , Email \nAda,ada@example.com").headers).toEqual(["First Name", "Email"]);
  });

  it("pads short rows and drops extra values, with a warning", () => {
    const parsed = parseCsv(textOf("extra-columns.csv"));
    expect(parsed.rows).toEqual([
      { line: 2, values: ["Ada", "Lovelace", "ada@example.com"] },
      { line: 3, values: ["Grace", "Hopper", ""] },
      { line: 4, values: ["Alan", "Turing", "alan@example.com"] },
    ]);
    // A trailing empty value (line 4) is not worth a warning; line 2's extra values are.
    expect(parsed.warnings).toEqual([
      "Line 2 has more values than there are columns in the header row; the extra values were ignored. Check for an unquoted comma in a value.",
    ]);
  });

  it("reads a tab-separated file", () => {
    const parsed = parseCsv(textOf("tab-separated.tsv"));
    expect(parsed.delimiter).toBe("\t");
    expect(parsed.rows[0]).toEqual({
      line: 2,
      values: ["Ada", "Lovelace", "ada@example.com", "likes, commas; and semicolons"],
    });
  });

  it("uses the delimiter it is given", () => {
    expect(parseCsv("a;b,c\n1;2,3", { delimiter: "," }).headers).toEqual(["a;b", "c"]);
  });

  it("keeps a quote inside an unquoted value", () => {
    expect(parseCsv('name,notes\nTom,5\'11" tall\nThe "Boss",x').rows.map((r) => r.values)).toEqual([
      ["Tom", "5'11\" tall"],
      ['The "Boss"', "x"],
    ]);
  });

  it("gives zero rows for a header row alone", () => {
    expect(parseCsv(textOf("headers-only.csv"))).toEqual({
      headers: ["First Name", "Last Name", "Email", "Phone"],
      rows: [],
      delimiter: ",",
      warnings: [],
    });
  });

  it("refuses an unclosed quote, naming the line it opens on", () => {
    let error: unknown;
    try {
      parseCsv(textOf("unclosed-quote.csv"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).line).toBe(4);
    expect((error as ImportFileError).message).toMatch(/^Line 4: a quoted value is never closed/);
  });

  it("refuses text after a closing quote, naming the line", () => {
    expect(() => parseCsv('a,b\n1,2\n"x"y,3\n')).toThrow(/^Line 3: text follows a closing quote/);
  });

  it("refuses text with no records", () => {
    expect(() => parseCsv("\n\n,,\n")).toThrow(ImportFileError);
  });
});

describe("readImportFile", () => {
  it("decodes and parses, merging warnings", () => {
    const file = readImportFile(fixtureBytes("latin1.csv"));
    expect(file).toMatchObject({ encoding: "windows-1252", hadBom: false, delimiter: ";" });
    expect(file.headers).toEqual(["First Name", "Last Name", "Email", "Company", "Notes"]);
    expect(file.rows[0]?.values.slice(0, 2)).toEqual(["Jürgen", "Müller"]);
    expect(file.warnings).toHaveLength(1);
  });

  it("agrees with csv-parse on the export fixtures", () => {
    for (const name of ["google-contacts.csv", "outlook.csv", "hubspot.csv"]) {
      const text = textOf(name);
      const plain = parse(text.replace(/\r\n/g, "\n"), { skip_empty_lines: true }) as string[][];
      const ours = parseCsv(text);
      expect([ours.headers, ...ours.rows.map((r) => r.values)]).toEqual(plain);
    }
  });
});
