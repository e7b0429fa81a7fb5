import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describePeriod, EXPORT_DOWNLOAD_HOURS, type RetentionPolicy, SESSION_IDLE_MS } from "@crm/core";

/** The template shipped with the server; PRIVACY_TEMPLATE names an operator's own. */
export const DEFAULT_PRIVACY_TEMPLATE = fileURLToPath(new URL("../templates/privacy.html", import.meta.url));

export interface PrivacyPageSettings {
  appName: string;
  /** Who is responsible for the data (PRIVACY_CONTROLLER). */
  controller?: string | undefined;
  /** Where privacy requests go: an email address or an http(s) URL (PRIVACY_CONTACT). */
  contact?: string | undefined;
  retention: RetentionPolicy;
}

export class PrivacyTemplateError extends Error {}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The values a template may use, in plain text (escaped when substituted). Unset ones are "". */
export function privacyValues(settings: PrivacyPageSettings): Record<string, string> {
  const { retention } = settings;
  const contact = settings.contact ?? "";
  return {
    appName: settings.appName,
    controller: settings.controller ?? "",
    contact,
    contactHref: contact === "" ? "" : /^https?:\/\//.test(contact) ? contact : `mailto:${contact}`,
    "retention.activity": describePeriod(retention.activityDays * 24),
    "retention.emailBodies": describePeriod(retention.emailBodyDays * 24),
    "retention.loginAttempts": describePeriod(retention.loginAttemptHours),
    "retention.unstartedImports": describePeriod(retention.unstartedImportHours),
    "retention.finishedImports": describePeriod(retention.finishedImportDays * 24),
    "retention.exports": describePeriod(EXPORT_DOWNLOAD_HOURS),
    "retention.trash": describePeriod(retention.trashDays * 24),
    "retention.sessions": describePeriod(SESSION_IDLE_MS / 3_600_000),
  };
}

const SECTION = /\{\{([#^])([\w.]+)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * Fills a template: `{{name}}` becomes the HTML-escaped value; `{{#name}}…{{/name}}` is kept when
 * the value is set and `{{^name}}…{{/name}}` when it is not. A name the page does not know is an
 * error (a typo would otherwise show braces to visitors), raised when the server starts.
 */
export function renderPrivacyPage(template: string, values: Record<string, string>): string {
  const known = (name: string) => {
    if (!Object.hasOwn(values, name)) throw new PrivacyTemplateError(`unknown placeholder {{${name}}}`);
    return values[name]!;
  };
  // An HTML comment may describe the placeholders (the shipped one does): it is left out of the page.
  const withoutComments = template.replace(/<!--[\s\S]*?-->\n?/g, "");
  const withSections = withoutComments.replace(SECTION, (_all, kind: string, name: string, body: string) => {
    const set = known(name) !== "";
    return (kind === "#") === set ? body : "";
  });
  return withSections.replace(PLACEHOLDER, (_all, name: string) => escapeHtml(known(name)));
}

export async function loadPrivacyPage(settings: PrivacyPageSettings, templatePath?: string): Promise<string> {
  const file = templatePath ?? DEFAULT_PRIVACY_TEMPLATE;
  let template: string;
  try {
    template = await readFile(file, "utf8");
  } catch (error) {
    throw new PrivacyTemplateError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return renderPrivacyPage(template, privacyValues(settings));
  } catch (error) {
    if (error instanceof PrivacyTemplateError) throw new PrivacyTemplateError(`${file}: ${error.message}`);
    throw error;
  }
}
