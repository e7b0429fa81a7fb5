/**
 * Google OAuth 2.0 state: authorization requests (checked like the consent page checks them), codes, access and
 * refresh tokens, id tokens, grants and their revocation.
 */
import { randomBytes } from "node:crypto";
import { AuthRequestError } from "./errors";
import { isKnownScope, normalizeScopes, SCOPE_ALIASES } from "./scopes";
import { type AccessToken, type AuthRequest, account, type FakeGoogleState, type Grant } from "./state";
import type { Json } from "./util";

export const CODE_TTL_MS = 10 * 60_000;

function bad(message: string, error = "invalid_request", status = 400): AuthRequestError {
  return new AuthRequestError(status, error, message);
}

export function parseAuthRequest(s: FakeGoogleState, params: URLSearchParams): AuthRequest {
  const id = params.get("client_id");
  if (!id) throw bad("Missing required parameter: client_id");
  if (id !== s.config.clientId) throw bad("The OAuth client was not found.", "invalid_client", 401);
  const redirectUri = parseRedirectUri(s, params);
  const responseType = params.get("response_type");
  if (!responseType) throw bad("Missing required parameter: response_type");
  if (responseType !== "code") throw bad(`Invalid response_type: ${responseType}`, "unsupported_response_type");
  const scopes = parseScopes(params);
  // Google itself does not require state or PKCE; the fake does, because the app must send both.
  const state = params.get("state");
  if (!state) throw bad("Missing required parameter: state (the fake requires it; the app must send one)");
  const codeChallenge = parseCodeChallenge(params);
  const accessType = params.get("access_type") ?? "online";
  if (accessType !== "online" && accessType !== "offline") throw bad(`Invalid access_type: ${accessType}`);
  const request: AuthRequest = {
    clientId: id,
    redirectUri,
    scopes,
    state,
    codeChallenge,
    accessType,
    prompt: parsePrompt(params),
    includeGrantedScopes: params.get("include_granted_scopes") === "true",
  };
  const loginHint = params.get("login_hint");
  if (loginHint) request.loginHint = loginHint;
  const nonce = params.get("nonce");
  if (nonce) request.nonce = nonce;
  return request;
}

function parseRedirectUri(s: FakeGoogleState, params: URLSearchParams): string {
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) throw bad("Missing required parameter: redirect_uri");
  let parsed: URL | undefined;
  try {
    parsed = new URL(redirectUri);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    !/^https?:$/.test(parsed.protocol) ||
    parsed.hash ||
    (s.config.redirectUris && !s.config.redirectUris.includes(redirectUri))
  ) {
    throw bad(
      `redirect_uri=${redirectUri}: You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. The redirect URI must be registered for this client.`,
      "redirect_uri_mismatch",
    );
  }
  return redirectUri;
}

function parseScopes(params: URLSearchParams): string[] {
  const scope = params.get("scope");
  if (!scope?.trim()) throw bad("Missing required parameter: scope");
  const scopes = [...new Set(scope.trim().split(/\s+/))];
  const invalid = scopes.filter((scope) => !isKnownScope(scope));
  if (invalid.length > 0) {
    throw bad(`Some requested scopes were invalid. {invalid=[${invalid.join(", ")}]}`, "invalid_scope");
  }
  return scopes;
}

function parseCodeChallenge(params: URLSearchParams): string {
  const codeChallenge = params.get("code_challenge");
  if (!codeChallenge) throw bad("Missing required parameter: code_challenge (the fake requires PKCE)");
  const method = params.get("code_challenge_method");
  if (method !== "S256") {
    throw bad(`Invalid code_challenge_method: ${method ?? "(missing, i.e. plain)"} (the fake requires S256)`);
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) throw bad("Invalid code_challenge: expected base64url SHA-256");
  return codeChallenge;
}

function parsePrompt(params: URLSearchParams): string[] {
  const prompt = (params.get("prompt") ?? "").split(/\s+/).filter(Boolean);
  for (const value of prompt) {
    if (!["none", "consent", "select_account"].includes(value)) throw bad(`Invalid prompt: ${value}`);
  }
  if (prompt.includes("none") && prompt.length > 1) throw bad("Invalid prompt: none cannot be combined");
  return prompt;
}

export function parseAuthorizationUrl(s: FakeGoogleState, authorizationUrl: string | URL): AuthRequest {
  const url = new URL(authorizationUrl);
  if (`${url.origin}${url.pathname}` !== `${s.baseUrl}/o/oauth2/v2/auth`) {
    throw new AuthRequestError(
      400,
      "invalid_request",
      `The authorization URL must start with ${s.baseUrl}/o/oauth2/v2/auth, got ${url.origin}${url.pathname}`,
    );
  }
  return parseAuthRequest(s, url.searchParams);
}

export function issueCode(s: FakeGoogleState, request: AuthRequest, email: string, granted: string[]): URL {
  const acc = account(s, email);
  const key = `${acc.email}\n${request.clientId}`;
  const prior = s.consents.get(key);
  const scopes = normalizeScopes(request.includeGrantedScopes && prior ? [...prior.scopes, ...granted] : granted);
  // Like Google: a refresh token comes with the first offline consent, or again only with prompt=consent.
  const issueRefreshToken = request.accessType === "offline" && (request.prompt.includes("consent") || !prior?.offline);
  s.consents.set(key, {
    scopes: new Set([...(prior?.scopes ?? []), ...scopes]),
    offline: (prior?.offline ?? false) || request.accessType === "offline",
  });
  const code = `4/0A${randomBytes(48).toString("base64url")}`;
  s.codes.set(code, {
    request,
    account: acc.email,
    scopes,
    issueRefreshToken,
    expiresAt: s.nowMs() + CODE_TTL_MS,
    used: false,
  });
  const target = new URL(request.redirectUri);
  target.searchParams.set("state", request.state);
  target.searchParams.set("code", code);
  target.searchParams.set("scope", scopes.join(" "));
  target.searchParams.set("authuser", "0");
  target.searchParams.set("prompt", "consent");
  return target;
}

export function denyUrl(request: AuthRequest, error = "access_denied"): URL {
  const target = new URL(request.redirectUri);
  target.searchParams.set("error", error);
  target.searchParams.set("state", request.state);
  return target;
}

export function issueAccessToken(
  s: FakeGoogleState,
  grant: Grant,
  scopes: string[],
): { token: string; expiresIn: number } {
  const token = `ya29.a0${randomBytes(60).toString("base64url")}`;
  s.accessTokens.set(token, {
    grantId: grant.id,
    scopes,
    expiresAt: s.nowMs() + s.config.accessTtlSeconds * 1000,
    expired: false,
  });
  return { token, expiresIn: s.config.accessTtlSeconds };
}

export function issueRefreshToken(s: FakeGoogleState, grant: Grant): string {
  const token = `1//0${randomBytes(45).toString("base64url")}`;
  s.refreshTokens.set(token, { grantId: grant.id, active: true });
  return token;
}

export function idToken(s: FakeGoogleState, grant: Grant, nonce?: string): string {
  const acc = account(s, grant.account);
  const iat = Math.floor(s.nowMs() / 1000);
  const header = { alg: "RS256", kid: "fake-google", typ: "JWT" };
  const payload: Json = {
    iss: "https://accounts.google.com",
    azp: grant.clientId,
    aud: grant.clientId,
    sub: acc.sub,
    iat,
    exp: iat + 3600,
  };
  if (grant.scopes.includes(SCOPE_ALIASES.email as string)) {
    payload.email = acc.email;
    payload.email_verified = true;
  }
  if (nonce) payload.nonce = nonce;
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  // Not signed with a real key: arctic's decodeIdToken does not verify signatures.
  return `${part(header)}.${part(payload)}.${randomBytes(64).toString("base64url")}`;
}

export function revokeGrant(s: FakeGoogleState, grant: Grant): void {
  grant.revoked = true;
  s.consents.delete(`${grant.account}\n${grant.clientId}`);
}

export function tokenInfo(s: FakeGoogleState, token: string): { grant: Grant; info: AccessToken } | undefined {
  const info = s.accessTokens.get(token);
  const grant = info ? s.grants.get(info.grantId) : undefined;
  return info && grant ? { grant, info } : undefined;
}

export function tokenUsable(s: FakeGoogleState, found: { grant: Grant; info: AccessToken }): boolean {
  return !found.grant.revoked && !found.info.expired && found.info.expiresAt > s.nowMs();
}
