/** The HTML Google's accounts pages answer: the consent page, the "Access blocked" page, and front-end errors. */
import type { AuthRequestError } from "./errors";
import { SCOPE_ALIASES, SCOPE_DESCRIPTIONS } from "./scopes";
import type { AuthRequest } from "./state";

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

const PAGE_STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f1f3f4; margin: 0; color: #202124; }
  main { max-width: 440px; margin: 48px auto; background: #fff; border: 1px solid #dadce0; border-radius: 8px; padding: 32px 36px; }
  .brand { font-weight: 600; color: #5f6368; margin: 0 0 16px; }
  h1 { font-size: 22px; font-weight: 400; margin: 0 0 12px; }
  p { line-height: 1.5; }
  code { font-size: 12px; color: #5f6368; word-break: break-all; }
  fieldset { border: none; padding: 0; margin: 16px 0; }
  legend { font-weight: 500; margin-bottom: 8px; }
  label.scope { display: flex; gap: 10px; align-items: flex-start; padding: 8px 0; border-top: 1px solid #eee; }
  details { margin: 12px 0; color: #5f6368; }
  input[type=email] { width: 100%; padding: 6px; box-sizing: border-box; margin-top: 6px; }
  .actions { display: flex; flex-direction: row-reverse; justify-content: flex-start; gap: 12px; margin-top: 24px; }
  button { font: inherit; padding: 8px 22px; border-radius: 4px; border: 1px solid #dadce0; background: #fff; color: #1a73e8; cursor: pointer; }
  button.primary { background: #1a73e8; color: #fff; border-color: #1a73e8; }
  .error h1 { color: #d93025; }
`;

export function consentHtml(consentId: string, request: AuthRequest, email: string): string {
  const scopes = request.scopes
    .map((s) => {
      const description = SCOPE_DESCRIPTIONS[SCOPE_ALIASES[s] ?? s] ?? s;
      return `<label class="scope"><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked><span>${escapeHtml(description)}<br><code>${escapeHtml(s)}</code></span></label>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Fake Google Accounts</title><style>${PAGE_STYLE}</style></head>
<body><main>
<p class="brand">Fake Google</p>
<h1>Allow access to your Google Account</h1>
<p><strong data-testid="client-id">${escapeHtml(request.clientId)}</strong> wants to access your Google Account</p>
<p>Signed in as <strong data-testid="account">${escapeHtml(email)}</strong></p>
<form method="post" action="/o/oauth2/v2/auth/decision">
<input type="hidden" name="consent" value="${escapeHtml(consentId)}">
<fieldset><legend>This will allow the app to:</legend>
${scopes}
</fieldset>
<details><summary>Use another account</summary><label>Account email<input type="email" name="account" value="${escapeHtml(email)}"></label></details>
<div class="actions"><button type="submit" name="decision" value="allow" class="primary">Allow</button><button type="submit" name="decision" value="deny">Deny</button></div>
</form>
</main></body></html>`;
}

export function errorPage(error: AuthRequestError): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error ${error.status}: ${escapeHtml(error.error)}</title><style>${PAGE_STYLE}</style></head>
<body><main class="error">
<p class="brand">Fake Google</p>
<h1>Access blocked: Authorization Error</h1>
<p><strong>Error ${error.status}: ${escapeHtml(error.error)}</strong></p>
<p data-testid="error-description">${escapeHtml(error.description)}</p>
</main></body></html>`;
}

export function googleErrorHtml(status: number): string {
  const title = status === 429 ? "Too Many Requests" : status === 503 ? "Service Unavailable" : "Server Error";
  return `<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error ${status} (${title})!!1</title><p><b>${status}.</b> <ins>That's an error.</ins><p>The server encountered an error. Please try again later. <ins>That's all we know.</ins>`;
}
