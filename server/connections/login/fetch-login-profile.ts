import * as oauth from "oauth4webapi";
import { toUpstreamError, UpstreamError } from "../upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../upstream-request.ts";
import type { LoginTokens } from "./exchange-login-code.ts";
import type { LoginProvider } from "./resolve-login-provider.ts";

/** Who signed in upstream, as the link to a Latch user needs it. */
export type UpstreamProfile = {
  /** The account namespace: the id_token's `iss` for OIDC, the authorization server's origin otherwise. */
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  /** Only an upstream that vouches for the address may link it to an existing account. */
  readonly emailVerified: boolean;
  readonly name: string | null;
};

/**
 * The signed-in account's profile: for OIDC the id_token's claims completed by UserInfo (Core §5.3, whose `sub`
 * must match); for GitHub `GET /user` and `GET /user/emails` (the primary verified address); for Discord
 * `GET /users/@me` with its `verified` flag. Throws an `UpstreamError`.
 */
export async function fetchLoginProfile(provider: LoginProvider, tokens: LoginTokens): Promise<UpstreamProfile> {
  try {
    if (provider.oidc) return await oidcProfile(provider, tokens);
    if (provider.kind === "github") return await githubProfile(provider, tokens.accessToken);
    return await discordProfile(provider, tokens.accessToken);
  } catch (error) {
    throw toUpstreamError(error, "profile request");
  }
}

async function oidcProfile(provider: LoginProvider, tokens: LoginTokens): Promise<UpstreamProfile> {
  const claims = tokens.idToken;
  if (!claims) throw new UpstreamError("upstream_id_token_invalid", "the token response has no id_token");
  let userinfo: Record<string, unknown> = {};
  if (provider.as.userinfo_endpoint) {
    const response = await oauth.userInfoRequest(
      provider.as,
      provider.client,
      tokens.accessToken,
      upstreamRequestOptions(provider.as.userinfo_endpoint, provider.network),
    );
    userinfo = await oauth.processUserInfoResponse(provider.as, provider.client, claims.sub, response);
  }
  // The address and its verified flag are taken together from one source, the id_token's first.
  const source = text(claims.email) !== null ? claims : userinfo;
  const email = text(source.email);
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    // Apple sends the flag as the string "true".
    emailVerified: email !== null && (source.email_verified === true || source.email_verified === "true"),
    name: text(userinfo.name) ?? text(claims.name),
  };
}

async function githubProfile(provider: LoginProvider, accessToken: string): Promise<UpstreamProfile> {
  const base = provider.as.userinfo_endpoint as string;
  const user = await getJson(base, accessToken, provider.network);
  const id = user.id;
  if ((typeof id !== "number" && typeof id !== "string") || String(id) === "") {
    throw new UpstreamError("upstream_bad_response", "profile request: the user has no id");
  }
  const emails = await getJson(`${base.replace(/\/$/, "")}/emails`, accessToken, provider.network);
  const list = Array.isArray(emails) ? (emails as Record<string, unknown>[]) : [];
  const chosen =
    list.find((entry) => entry.primary === true && entry.verified === true) ??
    list.find((entry) => entry.verified === true) ??
    list.find((entry) => entry.primary === true);
  const email = text(chosen?.email) ?? text(user.email);
  return {
    issuer: provider.as.issuer,
    subject: String(id),
    email,
    emailVerified: chosen?.verified === true && email === text(chosen.email),
    name: text(user.name) ?? text(user.login),
  };
}

async function discordProfile(provider: LoginProvider, accessToken: string): Promise<UpstreamProfile> {
  const user = await getJson(provider.as.userinfo_endpoint as string, accessToken, provider.network);
  if (typeof user.id !== "string" || user.id === "") {
    throw new UpstreamError("upstream_bad_response", "profile request: the user has no id");
  }
  const email = text(user.email);
  return {
    issuer: provider.as.issuer,
    subject: user.id,
    email,
    emailVerified: email !== null && user.verified === true,
    name: text(user.global_name) ?? text(user.username),
  };
}

/** A bearer GET (RFC 6750 §2.1) to a provider's JSON API; anything but a 200 with JSON is a bad response. */
async function getJson(url: string, accessToken: string, network: UpstreamNetwork): Promise<Record<string, unknown>> {
  const response = await oauth.protectedResourceRequest(
    accessToken,
    "GET",
    new URL(url),
    new Headers({ accept: "application/json" }),
    null,
    upstreamRequestOptions(url, network),
  );
  const type = response.headers.get("content-type") ?? "";
  if (response.status !== 200 || !/^application\/([\w.+-]+\+)?json/i.test(type)) {
    await response.body?.cancel();
    throw new UpstreamError(
      "upstream_bad_response",
      `profile request answered HTTP ${response.status} (${type.split(";")[0] || "no content type"})`,
    );
  }
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    throw new UpstreamError("upstream_bad_response", "profile request answered malformed JSON");
  }
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}
