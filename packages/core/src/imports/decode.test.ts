import { describe, expect, it } from "vitest";
import { decodeCsvBytes, ImportFileError, LATIN1_WARNING, MAX_IMPORT_BYTES } from "./decode";
import { fixtureBytes } from "./test-fixtures";

const utf8 = (s: string) => new TextEncoder().encode(s);

function refusal(bytes: Uint8Array): ImportFileError {
  try {
    decodeCsvBytes(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return error as ImportFileError;
  }
  throw new Error("expected decodeCsvBytes to refuse the file");
}

describe("decodeCsvBytes", () => {
  it("reads UTF-8 as is", () => {
    const decoded = decodeCsvBytes(fixtureBytes("google-contacts.csv"));
    expect(decoded).toMatchObject({ encoding: "utf-8", hadBom: false, warnings: [] });
    expect(decoded.text).toContain("José,,Álvarez");
  });

  it("strips a UTF-8 BOM", () => {
    const decoded = decodeCsvBytes(fixtureBytes("bom-semicolon.csv"));
    expect(decoded).toMatchObject({ encoding: "utf-8", hadBom: true, warnings: [] });
    expect(decoded.text.startsWith("Vorname;")).toBe(true);
    expect(decoded.text).toContain("Jürgen;Müller");
  });

  it("reads invalid UTF-8 as Windows-1252, with a warning", () => {
    const decoded = decodeCsvBytes(fixtureBytes("latin1.csv"));
    expect(decoded.encoding).toBe("windows-1252");
    expect(decoded.hadBom).toBe(false);
    expect(decoded.warnings).toEqual([LATIN1_WARNING]);
    expect(LATIN1_WARNING).toBe(
      "The file is not UTF-8; read it as Latin-1 (Windows-1252). Check accented letters in the preview.",
    );
    // Windows-1252, not ISO-8859-1: 0x80 is the euro sign and 0x93/0x94 are curly quotes.
    expect(decoded.text).toContain("Jürgen;Müller;juergen@mueller.example;Café Zürich;Paid 50 € deposit");
    expect(decoded.text).toContain("José;Núñez");
    expect(decoded.text).toContain("“Quoted” by Excel");
  });

  it("reads UTF-16 with a BOM (Excel's Unicode Text)", () => {
    const text = "First Name\tEmail\r\nJürgen\tj@example.com\r\n";
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from(text, "utf16le")]);
    expect(decodeCsvBytes(le)).toEqual({ text, encoding: "utf-16le", hadBom: true, warnings: [] });
    const be = Buffer.from(text, "utf16le").swap16();
    expect(decodeCsvBytes(new Uint8Array([0xfe, 0xff, ...be]))).toMatchObject({ text, encoding: "utf-16be" });
    expect(decodeCsvBytes(new Uint8Array(Buffer.from(text, "utf16le")))).toMatchObject({
      text,
      encoding: "utf-16le",
      hadBom: false,
    });
  });

  it("refuses binary files", () => {
    expect(refusal(fixtureBytes("binary.png")).message).toBe("This is not a CSV file");
    expect(refusal(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06])).message).toBe(
      "This is not a CSV file",
    );
  });

  it("says what to do with an Excel workbook", () => {
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]);
    expect(refusal(xlsx).message).toMatch(/^This is not a CSV file: it looks like an Excel workbook/);
  });

  it("refuses a vCard file", () => {
    expect(refusal(utf8("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n")).message).toMatch(/vCard/);
  });

  it("refuses empty files: no bytes, only whitespace, only a BOM", () => {
    expect(refusal(fixtureBytes("empty.csv")).message).toBe("The file is empty");
    expect(refusal(utf8(" \r\n\t\n")).message).toBe("The file is empty");
    expect(refusal(new Uint8Array([0xef, 0xbb, 0xbf])).message).toBe("The file is empty");
    expect(refusal(new Uint8Array([0xef, 0xbb, 0xbf, 0x0d, 0x0a])).message).toBe("The file is empty");
  });

  it("refuses files larger than 10 MB", () => {
    expect(MAX_IMPORT_BYTES).toBe(10 * 1024 * 1024);
    expect(refusal(new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x61)).message).toBe("The file is larger than 10 MB");
    expect(() => decodeCsvBytes(new Uint8Array(MAX_IMPORT_BYTES).fill(0x61))).not.toThrow();
  });

  it("is a VALIDATION domain error on the file", () => {
    const error = refusal(fixtureBytes("empty.csv"));
    expect(error).toMatchObject({ code: "VALIDATION", field: "file", name: "ImportFileError" });
  });
});
