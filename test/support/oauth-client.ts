import { createHash, randomBytes } from "node:crypto";
import { expect } from "vitest";
import { authorizeInBrowser, REDIRECT, signIn, type TestApp, type TestUser } from "./oauth-fixtures.ts";
import type { TestServer } from "./test-server.ts";
import { UserAgent } from "./user-agent.ts";

/**
 * The small OAuth client of the integration tests: client authentication, the token, revoke and introspect
 * endpoints, a browser-like run of the code flow, and the assertions every OAuth test makes on an answer.
 */

export type JsonResponse = { status: number; headers: Headers; body: Record<string, any>; text: string };

/** A PKCE pair (RFC 7636 §4.1, §4.2). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** `/oauth2/authorize?…` for `app` with sensible defaults; `undefined` drops a parameter. */
export function authorizeUrl(
  app: Pick<TestApp, "clientId">,
  params: Record<string, string | undefined> = {},
  path = "/oauth2/authorize",
): string {
  const merged: Record<string, string | undefined> = {
    client_id: app.clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "identify",
    state: "st-123",
    ...params,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) query.append(name, value);
  return `${path}?${query}`;
}

/** client_secret_basic credentials, each half form-encoded first (RFC 6749 §2.3.1). */
export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`;
}

/** client_secret_basic credentials of a confidential test app. */
export function basicOf(app: TestApp): string {
  return basic(app.clientId, app.clientSecret!);
}

async function toJson(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  let body: Record<string, any> = {};
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    body = { __unparsed: text };
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** POSTs a form to one of the OAuth endpoints; `auth` is an Authorization header value. */
export async function postForm(
  server: Pick<TestServer, "url">,
  path: string,
  form: Record<string, string> | URLSearchParams | string,
  options: { auth?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(options.auth ? { authorization: options.auth } : {}),
      ...options.headers,
    },
    body: typeof form === "string" ? form : new URLSearchParams(form),
  });
  return toJson(response);
}

export function token(server: TestServer, app: TestApp | null, form: Record<string, string>): Promise<JsonResponse> {
  return postForm(server, "/oauth2/token", form, app?.clientSecret ? { auth: basicOf(app) } : {});
}

export function introspect(server: TestServer, caller: TestApp, tokenValue: string): Promise<JsonResponse> {
  return postForm(server, "/oauth2/introspect", { token: tokenValue }, { auth: basicOf(caller) });
}

export function revoke(server: TestServer, caller: TestApp, tokenValue: string): Promise<JsonResponse> {
  return postForm(server, "/oauth2/revoke", { token: tokenValue }, { auth: basicOf(caller) });
}

/** Posts a form to a client-authenticated endpoint (token, revoke, introspect) as `app`, by base URL. */
export async function postAsClient(
  baseUrl: string,
  path: string,
  app: TestApp,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, any> }> {
  const { status, body } = await postForm({ url: baseUrl }, path, form, { auth: basicOf(app) });
  return { status, body };
}

export async function getWithBearer(server: TestServer, path: string, authorization?: string): Promise<JsonResponse> {
  const response = await fetch(`${server.url}${path}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  return toJson(response);
}

/** A user agent already signed in as `user`, so flows do not spend the login rate limit. */
export async function signedInAgent(server: TestServer, user: TestUser): Promise<UserAgent> {
  const agent = new UserAgent(server.url);
  const login = await signIn(agent, user);
  expect(login.status).toBe(303);
  return agent;
}

/** Runs authorize → consent → allow and returns the code (asserting iss and state on the way). */
export async function obtainCode(
  server: TestServer,
  agent: UserAgent,
  user: TestUser,
  app: TestApp,
  params: Record<string, string | undefined> = {},
): Promise<string> {
  const callback = await authorizeInBrowser(agent, user, authorizeUrl(app, params));
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code in ${callback}`);
  expect(callback.searchParams.get("iss")).toBe(server.url);
  return code;
}

/** Runs SQL against the server's database (`?` placeholders). */
export function sql<T = Record<string, any>>(server: TestServer, query: string, params: unknown[] = []): Promise<T[]> {
  return server.orm.em.fork().getConnection().execute(query, params) as Promise<T[]>;
}

export async function countCodes(server: TestServer): Promise<number> {
  const [row] = await sql<{ n: number }>(server, "select count(*)::int as n from authorization_codes");
  return row!.n;
}

/** The authorization endpoint answered with an error page: HTML, 400, and no redirect anywhere. */
export async function expectErrorPage(response: Response, status = 400): Promise<string> {
  const body = await response.text();
  expect(response.status, body.slice(0, 300)).toBe(status);
  expect(response.headers.get("location")).toBeNull();
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  expect(body).not.toMatch(/at .*\.ts:\d+/);
  return body;
}

/** An OAuth JSON error (RFC 6749 §5.2): the code, a description, no-store, and nothing that looks like a stack. */
export function expectOAuthError(response: JsonResponse, status: number, error: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.body.error, response.text).toBe(error);
  expect(typeof response.body.error_description).toBe("string");
  expect(response.body.error_description.length).toBeGreaterThan(0);
  expect(response.headers.get("cache-control")).toContain("no-store");
  expect(response.text).not.toMatch(/at .*\.ts:\d+/);
}

/** The query parameters of a redirect's Location, or a failure when the response is not a redirect. */
export function redirectParams(response: Response): { url: URL; params: URLSearchParams } {
  const value = response.headers.get("location");
  expect(value, `expected a redirect, got ${response.status}`).toBeTruthy();
  const url = new URL(value!);
  return { url, params: url.searchParams };
}
