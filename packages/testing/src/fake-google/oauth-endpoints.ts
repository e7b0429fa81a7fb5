/** The OAuth endpoints: consent page and its decision, token (code exchange and refresh), revoke, userinfo. */
import { createHash, randomBytes } from "node:crypto";
import { AuthRequestError, OAuthError } from "./errors";
import { bearer, type Ctx, formParams, parseBasic, redirect, sendHtml, sendJson, sendOAuthJson } from "./http";
import {
  CODE_TTL_MS,
  denyUrl,
  idToken,
  issueAccessToken,
  issueCode,
  issueRefreshToken,
  parseAuthRequest,
  revokeGrant,
  tokenInfo,
  tokenUsable,
} from "./oauth";
import { consentHtml, errorPage } from "./oauth-html";
import { normalizeScopes, SCOPE_ALIASES } from "./scopes";
import { type AuthRequest, account, type FakeGoogleState, type Grant } from "./state";
import type { Json } from "./util";

export async function handleToken(s: FakeGoogleState, ctx: Ctx): Promise<void> {
  if (ctx.method !== "POST") throw new OAuthError(405, "invalid_request", "Method Not Allowed");
  const params = formParams(ctx);
  const basic = parseBasic(ctx.req.headers.authorization);
  const id = basic?.id ?? params.get("client_id");
  const secret = basic?.secret ?? params.get("client_secret");
  if (!id) throw new OAuthError(400, "invalid_request", "Could not determine client ID from request.");
  if (id !== s.config.clientId) throw new OAuthError(401, "invalid_client", "The OAuth client was not found.");
  if (!secret) throw new OAuthError(400, "invalid_request", "client_secret is missing.");
  if (secret !== s.config.clientSecret) throw new OAuthError(401, "invalid_client", "Unauthorized");
  const grantType = params.get("grant_type") ?? "";
  if (grantType === "authorization_code") return sendOAuthJson(ctx, 200, exchangeCode(s, ctx, params, id));
  if (grantType === "refresh_token") return sendOAuthJson(ctx, 200, refreshAccess(s, ctx, params, id));
  throw new OAuthError(400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`);
}

function exchangeCode(s: FakeGoogleState, ctx: Ctx, params: URLSearchParams, clientId: string): Json {
  const code = params.get("code");
  if (!code) throw new OAuthError(400, "invalid_request", "Missing required parameter: code");
  const rec = s.codes.get(code);
  if (!rec) throw new OAuthError(400, "invalid_grant", "Malformed auth code.");
  ctx.account = rec.account;
  if (rec.used) {
    // A replayed code also revokes what the first exchange issued (RFC 6749 §4.1.2).
    const grant = rec.grantId ? s.grants.get(rec.grantId) : undefined;
    if (grant) revokeGrant(s, grant);
    throw new OAuthError(400, "invalid_grant", "Bad Request");
  }
  if (rec.expiresAt <= s.nowMs()) throw new OAuthError(400, "invalid_grant", "Bad Request");
  if (rec.request.clientId !== clientId) throw new OAuthError(400, "invalid_grant", "Bad Request");
  checkCodeRequest(params, rec.request);
  rec.used = true;
  const grant: Grant = {
    id: randomBytes(9).toString("hex"),
    account: rec.account,
    clientId,
    scopes: rec.scopes,
    revoked: false,
  };
  s.grants.set(grant.id, grant);
  rec.grantId = grant.id;
  const access = issueAccessToken(s, grant, grant.scopes);
  const body: Json = {
    access_token: access.token,
    expires_in: access.expiresIn,
    scope: grant.scopes.join(" "),
    token_type: "Bearer",
  };
  if (rec.issueRefreshToken) body.refresh_token = issueRefreshToken(s, grant);
  if (grant.scopes.includes("openid")) body.id_token = idToken(s, grant, rec.request.nonce);
  return body;
}

/** The code exchange repeats the authorization request's redirect URI and proves PKCE. */
function checkCodeRequest(params: URLSearchParams, request: AuthRequest): void {
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) throw new OAuthError(400, "invalid_request", "Missing parameter: redirect_uri");
  if (redirectUri !== request.redirectUri) throw new OAuthError(400, "redirect_uri_mismatch", "Bad Request");
  const verifier = params.get("code_verifier");
  if (!verifier) throw new OAuthError(400, "invalid_grant", "Missing code verifier.");
  if (createHash("sha256").update(verifier).digest("base64url") !== request.codeChallenge) {
    throw new OAuthError(400, "invalid_grant", "Invalid code verifier.");
  }
}

function refreshAccess(s: FakeGoogleState, ctx: Ctx, params: URLSearchParams, clientId: string): Json {
  const token = params.get("refresh_token");
  if (!token) throw new OAuthError(400, "invalid_request", "Missing required parameter: refresh_token");
  const rec = s.refreshTokens.get(token);
  const grant = rec ? s.grants.get(rec.grantId) : undefined;
  if (grant) ctx.account = grant.account;
  if (!rec || !grant || !rec.active || grant.revoked) {
    throw new OAuthError(400, "invalid_grant", "Token has been expired or revoked.");
  }
  if (grant.clientId !== clientId) throw new OAuthError(400, "unauthorized_client", "Unauthorized");
  const scopes = narrowedScopes(grant, params.get("scope"));
  const access = issueAccessToken(s, grant, scopes);
  const body: Json = {
    access_token: access.token,
    expires_in: access.expiresIn,
    scope: scopes.join(" "),
    token_type: "Bearer",
  };
  if (s.config.rotateRefreshTokens) {
    rec.active = false;
    body.refresh_token = issueRefreshToken(s, grant);
  }
  if (scopes.includes("openid")) body.id_token = idToken(s, grant);
  return body;
}

/** A refresh may ask for fewer scopes than the grant has, never for more. */
function narrowedScopes(grant: Grant, requested: string | null): string[] {
  if (!requested?.trim()) return grant.scopes;
  const wanted = normalizeScopes(requested.trim().split(/\s+/));
  const extra = wanted.filter((scope) => !grant.scopes.includes(scope));
  if (extra.length > 0) {
    throw new OAuthError(400, "invalid_scope", `Some requested scopes were invalid. {invalid=[${extra.join(", ")}]}`);
  }
  return wanted;
}

export function handleRevoke(s: FakeGoogleState, ctx: Ctx): void {
  if (ctx.method !== "POST") throw new OAuthError(405, "invalid_request", "Method Not Allowed");
  // arctic sends the token in the form body, google-auth-library in the query string.
  const token = ctx.url.searchParams.get("token") ?? formParams(ctx).get("token");
  if (!token) throw new OAuthError(400, "invalid_request", "Missing required parameter: token");
  const access = s.accessTokens.get(token);
  const refresh = s.refreshTokens.get(token);
  const grant = s.grants.get(access?.grantId ?? refresh?.grantId ?? "");
  if (grant) ctx.account = grant.account;
  const live =
    grant &&
    !grant.revoked &&
    (access ? !access.expired && access.expiresAt > s.nowMs() : refresh ? refresh.active : false);
  if (!grant || !live) throw new OAuthError(400, "invalid_token", "Token expired or revoked");
  // Revoking either token revokes the whole grant: its refresh token and every access token.
  revokeGrant(s, grant);
  sendOAuthJson(ctx, 200, {});
}

export function handleUserinfo(s: FakeGoogleState, ctx: Ctx): void {
  const token = bearer(ctx.req.headers.authorization);
  const found = token ? tokenInfo(s, token) : undefined;
  if (!found || !tokenUsable(s, found)) {
    sendJson(
      ctx,
      401,
      { error: "invalid_request", error_description: "Invalid Credentials" },
      { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    );
    return;
  }
  ctx.account = found.grant.account;
  const acc = account(s, found.grant.account);
  const body: Json = { sub: acc.sub };
  if (found.info.scopes.includes(SCOPE_ALIASES.email as string)) {
    body.email = acc.email;
    body.email_verified = true;
  }
  if (found.info.scopes.includes(SCOPE_ALIASES.profile as string)) body.name = acc.email.split("@")[0];
  sendJson(ctx, 200, body);
}

export function consentPage(s: FakeGoogleState, ctx: Ctx): void {
  let request: AuthRequest;
  try {
    request = parseAuthRequest(s, ctx.url.searchParams);
  } catch (error) {
    if (!(error instanceof AuthRequestError)) throw error;
    sendHtml(ctx, error.status, errorPage(error));
    return;
  }
  if (request.prompt.includes("none")) {
    // No UI allowed: succeed silently only when this account already consented to every scope.
    const prior = s.consents.get(`${account(s, s.signedInAs).email}\n${request.clientId}`);
    const covered = prior && normalizeScopes(request.scopes).every((scope) => prior.scopes.has(scope));
    const target = covered ? issueCode(s, request, s.signedInAs, request.scopes) : denyUrl(request, "consent_required");
    redirect(ctx, target);
    return;
  }
  const consentId = randomBytes(18).toString("base64url");
  s.pendingConsents.set(consentId, { request, expiresAt: s.nowMs() + CODE_TTL_MS });
  sendHtml(ctx, 200, consentHtml(consentId, request, account(s, s.signedInAs).email));
}

export function consentDecision(s: FakeGoogleState, ctx: Ctx): void {
  const form = formParams(ctx);
  const consentId = form.get("consent") ?? "";
  const pendingConsent = s.pendingConsents.get(consentId);
  s.pendingConsents.delete(consentId);
  if (!pendingConsent || pendingConsent.expiresAt <= s.nowMs()) {
    const expired = new AuthRequestError(400, "invalid_request", "This consent page has expired or was already used.");
    sendHtml(ctx, 400, errorPage(expired));
    return;
  }
  const { request } = pendingConsent;
  if (form.get("decision") !== "allow") {
    redirect(ctx, denyUrl(request));
    return;
  }
  const email = form.get("account")?.trim() || s.signedInAs;
  const ticked = form.getAll("scope");
  const granted = request.scopes.filter((scope) => ticked.includes(scope));
  ctx.account = email.toLowerCase();
  redirect(ctx, issueCode(s, request, email, granted));
}
