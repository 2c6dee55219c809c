import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../../server/db/embedded-postgres.ts";
import { launchBrowser } from "../../support/browser.ts";
import { apiKeyFor } from "../../support/control-plane.ts";
import { signedInAgent, sql } from "../../support/oauth-client.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

/**
 * Issue 20 item 6: a page on another port of the same host (same site, so the Lax session cookie goes along) tries
 * to mint an `admin` API key with the owner's session and read it back.
 */
const OUTPUT = path.resolve(import.meta.dirname, "../../../test-output/cors");

let server: TestServer;
let browser: Browser;
let pages: Server[];
let attacker: string;
let trusted: string;
let cookie: { name: string; value: string };
let organizationId: string;

const MINT = (name: string) =>
  JSON.stringify({
    query: `mutation($name: String!) { createApiKey(name: $name, scopes: ["admin"]) {
      __typename ... on CreateApiKeyPayload { key } } }`,
    variables: { name },
  });

async function keysNamed(name: string): Promise<number> {
  const [row] = await sql<{ n: number }>(server, "select count(*)::int as n from api_keys where name = ?", [name]);
  return row!.n;
}

/** A plain page on `port`: the origin a script runs in. */
function pageServer(port: number): Promise<Server> {
  const page = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><html lang=en><title>other origin</title><pre id=out>waiting</pre></html>");
  });
  return new Promise((resolve) => page.listen(port, "127.0.0.1", () => resolve(page)));
}

beforeAll(async () => {
  const [attackerPort, trustedPort] = [await findFreePort(), await findFreePort()];
  attacker = `http://127.0.0.1:${attackerPort}`;
  trusted = `http://127.0.0.1:${trustedPort}`;
  [server, browser, pages] = await Promise.all([
    startTestServer({ env: { LATCH_CORS_ORIGINS: `https://unused.example.com, ${trusted}` } }),
    launchBrowser(),
    Promise.all([pageServer(attackerPort), pageServer(trustedPort)]),
    mkdir(OUTPUT, { recursive: true }),
  ]);
  const owner = await createUser(server.orm, { role: "owner" });
  organizationId = owner.organizationId;
  const agent = await signedInAgent(server, owner.user);
  const [name, value] = [...agent.cookies].find(([key]) => key.includes("session"))!;
  cookie = { name, value };
});

afterAll(async () => {
  await browser?.close();
  for (const page of pages ?? []) await new Promise((resolve) => page.close(resolve));
  await server?.stop();
});

const post = (headers: Record<string, string>, body: string, extra: RequestInit = {}) =>
  fetch(`${server.url}/graphql`, { method: "POST", headers, body, ...extra });

describe("CORS and cross-origin cookies on /graphql (real HTTP)", () => {
  it("answers an untrusted origin's preflight with * and no credentials, and a trusted one's with its origin", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, latch-organization",
        },
      });
    const evil = await preflight(attacker);
    expect(evil.status).toBe(204);
    expect(evil.headers.get("access-control-allow-origin")).toBe("*");
    expect(evil.headers.get("access-control-allow-credentials")).toBeNull();
    expect(evil.headers.get("access-control-allow-headers")).not.toContain("latch-organization");
    expect(evil.headers.get("vary")).toContain("Origin");

    for (const origin of [trusted, new URL(server.url).origin]) {
      const ok = await preflight(origin);
      expect(ok.status).toBe(204);
      expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
      expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
      expect(ok.headers.get("access-control-allow-headers")).toContain("latch-organization");
    }
  });

  it("refuses the session cookie from an untrusted origin server-side, whatever the content type", async () => {
    const session = `${cookie.name}=${cookie.value}`;
    const attempts: Record<string, string>[] = [
      { "content-type": "application/json", origin: attacker },
      { "content-type": "text/plain", origin: attacker },
      { "content-type": "application/x-www-form-urlencoded", origin: attacker },
      { "content-type": "application/json", origin: "null" },
      // No Origin, but the browser says the request comes from another site (a same-site port).
      { "content-type": "application/json", "sec-fetch-site": "same-site" },
      { "content-type": "application/json", origin: "http://127.0.0.1", "latch-organization": organizationId },
    ];
    for (const [index, headers] of attempts.entries()) {
      const name = `cross-origin ${index}`;
      const response = await post({ ...headers, cookie: session }, MINT(name));
      expect(response.status, JSON.stringify(headers)).toBe(403);
      const body = await response.json();
      expect(body.errors[0].extensions.code, JSON.stringify(headers)).toBe("FORBIDDEN");
      expect(body.errors[0].message).toContain("LATCH_CORS_ORIGINS");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      expect(await keysNamed(name), JSON.stringify(headers)).toBe(0);
    }
    // Over GET (queries only) the same.
    const read = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ apiKeys { nodes { id } } }")}`, {
      headers: { cookie: session, origin: attacker, accept: "application/json" },
    });
    expect(read.status).toBe(403);
  });

  it("lets the session cookie through from PUBLIC_URL's origin, LATCH_CORS_ORIGINS and non-browser clients", async () => {
    const session = `${cookie.name}=${cookie.value}`;
    const callers: Record<string, string>[] = [
      { origin: new URL(server.url).origin, "sec-fetch-site": "same-origin" },
      { origin: trusted, "sec-fetch-site": "same-site" },
      {},
    ];
    for (const [index, extra] of callers.entries()) {
      const name = `allowed ${index}`;
      const response = await post({ "content-type": "application/json", cookie: session, ...extra }, MINT(name));
      expect(response.status).toBe(200);
      expect((await response.json()).data.createApiKey.key).toMatch(/^latch_ak_/);
      if (extra.origin) {
        expect(response.headers.get("access-control-allow-origin")).toBe(extra.origin);
        expect(response.headers.get("access-control-allow-credentials")).toBe("true");
      }
      expect(await keysNamed(name)).toBe(1);
    }
  });

  it("keeps API-key calls open to any origin, without credentials", async () => {
    const key = await apiKeyFor(server, organizationId, ["apps:read"]);
    const response = await post(
      { "content-type": "application/json", authorization: `Bearer ${key}`, origin: attacker },
      JSON.stringify({ query: "{ applications(first: 1) { totalCount } }" }),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).errors).toBeUndefined();
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("the REST admin API does not take the session cookie at all", async () => {
    const response = await fetch(`${server.url}/api/applications`, {
      headers: { cookie: `${cookie.name}=${cookie.value}`, origin: attacker },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("CORS on /graphql in Chromium", () => {
  /** Opens `origin`'s page in a context holding the owner's session cookie for Latch. */
  async function pageAt(origin: string): Promise<Page> {
    const context = await browser.newContext();
    await context.addCookies([
      { name: cookie.name, value: cookie.value, url: server.url, httpOnly: true, sameSite: "Lax" },
    ]);
    const page = await context.newPage();
    await page.goto(origin);
    return page;
  }

  /** In the page: a credentialed JSON POST minting an admin key, then the answer read back (or the fetch error). */
  const attack = (page: Page, name: string) =>
    page.evaluate(
      async ({ url, body }) => {
        const out = document.getElementById("out")!;
        try {
          const response = await fetch(url, {
            method: "POST",
            credentials: "include",
            headers: { "content-type": "application/json" },
            body,
          });
          const text = await response.text();
          out.textContent = `read: ${text}`;
          return { read: text };
        } catch (error) {
          out.textContent = `refused: ${String(error)}`;
          return { refused: String(error) };
        }
      },
      { url: `${server.url}/graphql`, body: MINT(name) },
    );

  it("a page on another port with the owner's cookie can neither mint an admin key nor read one", async () => {
    const page = await pageAt(attacker);
    const name = "browser attack";
    const answer = await attack(page, name);
    expect(answer.read).toBeUndefined();
    expect(answer.refused).toMatch(/TypeError/);
    // A simple request (no preflight): the browser sends it, the server refuses it.
    const simple = await page.evaluate(
      async ({ url, body }) => {
        // Sent either way; the opaque answer may also be blocked by Cross-Origin-Resource-Policy.
        await fetch(url, { method: "POST", mode: "no-cors", credentials: "include", body }).catch(() => undefined);
        return "sent";
      },
      { url: `${server.url}/graphql`, body: MINT(`${name} simple`) },
    );
    expect(simple).toBe("sent");
    await page.screenshot({ path: path.join(OUTPUT, "attacker-refused.png") });
    expect(await keysNamed(name)).toBe(0);
    expect(await keysNamed(`${name} simple`)).toBe(0);
    await page.context().close();
  });

  it("a page of an origin in LATCH_CORS_ORIGINS may call with the cookie and read the answer", async () => {
    const page = await pageAt(trusted);
    const name = "browser trusted";
    const answer = await attack(page, name);
    expect(answer.refused).toBeUndefined();
    expect(JSON.parse(answer.read!).data.createApiKey.key).toMatch(/^latch_ak_/);
    await page.screenshot({ path: path.join(OUTPUT, "trusted-origin-allowed.png") });
    expect(await keysNamed(name)).toBe(1);
    await page.context().close();
  });
});
