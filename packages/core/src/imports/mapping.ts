import { IMPORT_FIELD_LABELS, IMPORT_FIELDS, type ImportField, type ImportMapping } from "@crm/shared";

export {
  IMPORT_FIELD_LABELS,
  IMPORT_FIELDS,
  type ImportField,
  type ImportMapping,
  importMappingSchema,
} from "@crm/shared";

/**
 * Headers as the big exporters write them, normalised (see normalizeHeader), with a score: within a
 * field the higher score wins, then the column further left. Deliberately exact: "E-mail 1 - Label",
 * "E-mail Display Name", "Organization 1 - Title", "Company Main Phone", "Phonetic First Name",
 * "Lead Status", "Marketing contact status" and "Contact owner" look close but are not these fields.
 */
const ALIASES: Record<ImportField, Record<number, readonly string[]>> = {
  firstName: {
    3: ["firstname", "givenname", "first", "forename", "fname", "vorname", "prenom", "nombre", "voornaam"],
  },
  lastName: {
    3: ["lastname", "familyname", "surname", "last", "lname", "nachname", "nom", "apellidos", "apellido", "achternaam"],
  },
  fullName: {
    3: ["name", "fullname", "contactname", "clientname", "customername", "displayname", "nomcomplet", "nombrecompleto"],
  },
  email: {
    3: [
      "email",
      "mail",
      "emailaddress",
      "email1value",
      "email1",
      "emailaddress1",
      "primaryemail",
      "emailadresse",
      "adressedemessagerie",
      "courriel",
      "correo",
      "correoelectronico",
      "direcciondecorreoelectronico",
    ],
    2: ["email2value", "email2address", "email2", "email3value", "email3address", "workemail", "personalemail"],
  },
  phone: {
    3: [
      "phone",
      "phonenumber",
      "tel",
      "telephone",
      "telephonenumber",
      "mobile",
      "mobilephone",
      "mobilephonenumber",
      "mobilenumber",
      "cell",
      "cellphone",
      "cellphonenumber",
      "primaryphone",
      "phone1value",
      "telefon",
      "telefonnummer",
      "mobiltelefon",
      "handy",
      "telephonemobile",
      "telefono",
      "telefonomovil",
      "movil",
    ],
    2: [
      "businessphone",
      "workphone",
      "homephone",
      "phone2value",
      "phone3value",
      "otherphone",
      "businessphone2",
      "homephone2",
      "telefongeschaftlich",
      "telefonprivat",
      "telephonebureau",
      "telephonedomicile",
      "telefonodeltrabajo",
      "telefonoparticular",
    ],
  },
  company: {
    3: [
      "company",
      "companyname",
      "organization",
      "organisation",
      "organizationname",
      "organisationname",
      "organization1name",
      "business",
      "businessname",
      "employer",
      "firma",
      "unternehmen",
      "societe",
      "entreprise",
      "empresa",
      "organizacion",
    ],
    2: ["associatedcompany"],
  },
  status: {
    3: ["status", "clientstatus", "contactstatus", "customerstatus"],
  },
  tags: {
    3: [
      "tags",
      "tag",
      "labels",
      "label",
      "categories",
      "category",
      "groupmembership",
      "groups",
      "group",
      "kategorien",
      "categorias",
    ],
    // HubSpot's lifecycle stages ("Lead", "Customer") are not client statuses; as tags they stay usable.
    1: ["lifecyclestage"],
  },
  source: {
    3: ["source", "leadsource", "originalsource", "referralsource", "referredby", "quelle"],
  },
  notes: {
    3: ["notes", "note", "comments", "comment", "remarks", "memo", "notizen", "notas", "opmerkingen"],
    2: ["description"],
  },
  consentBasis: {
    3: [
      "lawfulbasis",
      "legalbasis",
      "consentbasis",
      "basisforprocessing",
      "gdprbasis",
      "rechtsgrundlage",
      "basejuridique",
    ],
    2: ["consent", "basis"],
  },
  consentGivenAt: {
    3: [
      "consentdate",
      "consentgivenat",
      "consentgivenon",
      "consentgiven",
      "dateofconsent",
      "consentedat",
      "consentedon",
    ],
  },
  consentSource: {
    3: ["consentsource", "consentmethod", "consentobtained", "howconsentwasgiven", "consentnote", "consentnotes"],
  },
  marketingConsent: {
    3: [
      "marketingconsent",
      "marketingemailconsent",
      "emailmarketingconsent",
      "marketingoptin",
      "emailoptin",
      "acceptsemailmarketing",
      "acceptsmarketing",
    ],
    2: ["optin", "newsletter", "subscribed"],
  },
  marketingConsentAt: {
    3: ["marketingconsentdate", "marketingconsentat", "marketingoptindate", "emailoptindate", "optindate"],
  },
};

const ALIAS_INDEX = new Map<string, { field: ImportField; score: number }>();
for (const field of IMPORT_FIELDS) {
  for (const [score, keys] of Object.entries(ALIASES[field])) {
    for (const key of keys) ALIAS_INDEX.set(key, { field, score: Number(score) });
  }
}

/** "E-mail 1 - Value" → "email1value": lower case, accents and everything but letters and digits dropped. */
export function normalizeHeader(header: string): string {
  return header
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/**
 * Suggests which column fills which field, from the header names of Google Contacts (current and
 * older exports), Outlook, HubSpot and common hand-made files. Each field goes to one column: the
 * best-scoring, then the leftmost (the first email column wins). With `sampleRows`, columns that
 * are empty in every sample row only win when no other column fits (Outlook exports a dozen phone
 * columns, mostly empty).
 */
export function suggestMapping(
  headers: readonly string[],
  sampleRows: readonly (readonly string[])[] = [],
): ImportMapping {
  const mapping: ImportMapping = {};
  const candidates: { column: number; field: ImportField; score: number }[] = [];
  headers.forEach((header, column) => {
    mapping[column] = null;
    const alias = ALIAS_INDEX.get(normalizeHeader(header));
    if (!alias) return;
    const empty = sampleRows.length > 0 && sampleRows.every((row) => !row[column]?.trim());
    candidates.push({ column, field: alias.field, score: alias.score - (empty ? 10 : 0) });
  });
  candidates.sort((a, b) => b.score - a.score || a.column - b.column);
  const used = new Set<ImportField>();
  for (const { column, field } of candidates) {
    if (used.has(field)) continue;
    used.add(field);
    mapping[column] = field;
  }
  return mapping;
}

/** The fields a mapping fills, each with its column (the first one if mapped twice). */
export function mappedColumns(mapping: ImportMapping): Partial<Record<ImportField, number>> {
  const out: Partial<Record<ImportField, number>> = {};
  for (const [column, field] of Object.entries(mapping)) {
    if (field && out[field] === undefined) out[field] = Number(column);
  }
  return out;
}

/**
 * Why a mapping cannot be imported, or null when it can: a name (first, last or full) or the email
 * must be mapped, and no field may take two columns. `headers` lets the message name the columns.
 */
export function validateMapping(mapping: ImportMapping, headers: readonly string[] = []): string | null {
  const columnsByField = new Map<ImportField, number[]>();
  for (const [column, field] of Object.entries(mapping)) {
    if (!field) continue;
    columnsByField.set(field, [...(columnsByField.get(field) ?? []), Number(column)]);
  }
  for (const [field, columns] of columnsByField) {
    if (columns.length > 1) {
      const names = columns.map((c) => (headers[c] ? `"${headers[c]}"` : `column ${c + 1}`));
      return `${IMPORT_FIELD_LABELS[field]} is chosen for ${names.length} columns (${names.join(", ")}); choose one`;
    }
  }
  if (!["firstName", "lastName", "fullName", "email"].some((f) => columnsByField.has(f as ImportField))) {
    return "Choose the column with the email or a name (first, last or full name)";
  }
  return null;
}
