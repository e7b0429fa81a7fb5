import { describe, expect, it } from "vitest";
import { type ImportMapping, importMappingSchema, normalizeHeader, suggestMapping, validateMapping } from "./mapping";
import { readImportFile } from "./read";
import { fixtureBytes } from "./test-fixtures";

/** The mapping by header name, mapped columns only (easier to read than column numbers). */
function byHeader(headers: readonly string[], mapping: ImportMapping): Record<string, string> {
  return Object.fromEntries(
    headers.flatMap((h, i) => {
      const field = mapping[i];
      return field ? [[h, field]] : [];
    }),
  );
}

function suggestFor(fixture: string, withSamples = false) {
  const file = readImportFile(fixtureBytes(fixture));
  const mapping = suggestMapping(file.headers, withSamples ? file.rows.map((r) => r.values) : undefined);
  return { file, mapping, named: byHeader(file.headers, mapping) };
}

describe("normalizeHeader", () => {
  it("drops case, accents and punctuation", () => {
    expect(normalizeHeader("E-mail 1 - Value")).toBe("email1value");
    expect(normalizeHeader("  Prénom ")).toBe("prenom");
    expect(normalizeHeader("TTY/TDD Phone")).toBe("ttytddphone");
  });
});

describe("suggestMapping", () => {
  it("reads a Google Contacts export", () => {
    const { file, mapping, named } = suggestFor("google-contacts.csv");
    expect(named).toEqual({
      "First Name": "firstName",
      "Last Name": "lastName",
      "Organization Name": "company",
      Notes: "notes",
      Labels: "tags",
      "E-mail 1 - Value": "email",
      "Phone 1 - Value": "phone",
    });
    // Every column has an entry; the rest are null.
    expect(Object.keys(mapping)).toHaveLength(file.headers.length);
    expect(mapping[file.headers.indexOf("E-mail 1 - Label")]).toBeNull();
  });

  it("reads an older Google Contacts export (Given Name, Family Name, Group Membership)", () => {
    expect(suggestFor("google-contacts-legacy.csv").named).toEqual({
      Name: "fullName",
      "Given Name": "firstName",
      "Family Name": "lastName",
      Notes: "notes",
      "Group Membership": "tags",
      "E-mail 1 - Value": "email",
      "Phone 1 - Value": "phone",
      "Organization 1 - Name": "company",
    });
  });

  it("reads an Outlook export, preferring the mobile phone", () => {
    expect(suggestFor("outlook.csv").named).toEqual({
      "First Name": "firstName",
      "Last Name": "lastName",
      Company: "company",
      "Mobile Phone": "phone",
      Categories: "tags",
      "E-mail Address": "email",
      Notes: "notes",
      "Referred By": "source",
    });
  });

  it("reads a HubSpot export, leaving its lead status alone", () => {
    expect(suggestFor("hubspot.csv").named).toEqual({
      "First Name": "firstName",
      "Last Name": "lastName",
      Email: "email",
      "Phone Number": "phone",
      "Company Name": "company",
      "Lifecycle Stage": "tags",
      "Original Source": "source",
    });
  });

  it("reads localised Outlook/Excel headers", () => {
    expect(suggestFor("bom-semicolon.csv").named).toEqual({
      Vorname: "firstName",
      Nachname: "lastName",
      "E-Mail-Adresse": "email",
      Telefon: "phone",
      Firma: "company",
      Notizen: "notes",
    });
  });

  it("reads generic headers in any case and punctuation", () => {
    const headers = ["NAME", "e-mail", "Tel.", "Organisation", "tags", "Status", "source", "Comments"];
    expect(byHeader(headers, suggestMapping(headers))).toEqual({
      NAME: "fullName",
      "e-mail": "email",
      "Tel.": "phone",
      Organisation: "company",
      tags: "tags",
      Status: "status",
      source: "source",
      Comments: "notes",
    });
    const more = ["Full Name", "Mail", "Telephone", "Organization"];
    expect(Object.values(suggestMapping(more))).toEqual(["fullName", "email", "phone", "company"]);
    expect(Object.values(suggestMapping(["mobile", "Surname", "First"]))).toEqual(["phone", "lastName", "firstName"]);
  });

  it("gives each field to one column, the first one", () => {
    expect(suggestMapping(["Email", "E-mail", "Phone", "Telephone"])).toEqual({
      0: "email",
      1: null,
      2: "phone",
      3: null,
    });
    expect(suggestMapping(["E-mail 2 - Value", "E-mail 1 - Value"])).toEqual({ 0: null, 1: "email" });
  });

  it("passes over columns that are empty in the sample rows", () => {
    const headers = ["Name", "Mobile Phone", "Business Phone"];
    expect(suggestMapping(headers)[1]).toBe("phone");
    const mapping = suggestMapping(headers, [
      ["Ada", "", "(415) 555-2671"],
      ["Grace", " ", ""],
    ]);
    expect(mapping).toEqual({ 0: "fullName", 1: null, 2: "phone" });
    // With nothing better, an empty column still gets its field.
    expect(suggestMapping(["Name", "Email"], [["Ada", ""]])).toEqual({ 0: "fullName", 1: "email" });
  });

  it("maps nothing it does not know", () => {
    expect(suggestMapping(["Birthday", "Nickname", "Lead Status", "Contact owner", ""])).toEqual({
      0: null,
      1: null,
      2: null,
      3: null,
      4: null,
    });
  });
});

describe("validateMapping", () => {
  it("accepts a mapping with a name or an email", () => {
    expect(validateMapping({ 0: "email" })).toBeNull();
    expect(validateMapping({ 0: "fullName", 1: "phone" })).toBeNull();
    expect(validateMapping({ 0: null, 1: "lastName" })).toBeNull();
  });

  it("refuses a mapping with neither", () => {
    expect(validateMapping({ 0: "phone", 1: "company", 2: null })).toBe(
      "Choose the column with the email or a name (first, last or full name)",
    );
    expect(validateMapping({})).not.toBeNull();
  });

  it("refuses a field chosen for two columns, naming them", () => {
    expect(validateMapping({ 0: "email", 1: "email" }, ["Email", "Work email"])).toBe(
      'Email is chosen for 2 columns ("Email", "Work email"); choose one',
    );
  });

  it("has a schema for mappings sent by a client", () => {
    expect(importMappingSchema.parse({ "0": "email", "3": null })).toEqual({ "0": "email", "3": null });
    expect(importMappingSchema.safeParse({ "0": "birthday" }).success).toBe(false);
    expect(importMappingSchema.safeParse({ x: "email" }).success).toBe(false);
  });
});
