import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "../../support/graphql.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let apiKey: string;

beforeAll(async () => {
  server = await startTestServer();
  apiKey = server.firstRun!.apiKey;
});
afterAll(() => server?.stop());

describe("health and readiness", () => {
  it("answers /healthz and /readyz while the database is up", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok" });
  });
});

describe("errors of the REST face", () => {
  it("answers unknown routes with a JSON 404 in the OAuth error shape", async () => {
    const response = await fetch(`${server.url}/nope/at/all`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: "not_found", error_description: "No route for GET /nope/at/all" });
  });

  it("refuses oversized bodies with 413 before reading them", async () => {
    const body = JSON.stringify({ query: "{ viewer { kind } }", padding: "x".repeat(300 * 1024) });
    // A fresh connection: the server closes it after answering early, as HTTP allows.
    const { status, json } = await new Promise<{ status: number; json: any }>((resolve, reject) => {
      const request = http.request(
        `${server.url}/graphql`,
        {
          method: "POST",
          agent: false,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode!, json: JSON.parse(text) }));
        },
      );
      request.on("error", reject);
      request.end(body);
    });
    expect(status).toBe(413);
    // /graphql answers in the GraphQL error format (#20 item 20); the REST face keeps OAuth's.
    expect(json.errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("security headers", () => {
  it("sets them on every response, errors included", async () => {
    for (const path of ["/healthz", "/nope", "/.well-known/jwks.json"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("cross-origin-resource-policy"), path).toBe("same-origin");
    }
  });

  it("gives the headers only a document needs to the pages, not to JSON answers", async () => {
    const documentOnly = {
      "cross-origin-opener-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "x-dns-prefetch-control": "off",
      "x-download-options": "noopen",
      "x-permitted-cross-domain-policies": "none",
      "x-xss-protection": "0",
    };
    const page = await fetch(`${server.url}/login`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    for (const [name, value] of Object.entries(documentOnly)) expect(page.headers.get(name), name).toBe(value);
    // The page's own policy replaces the JSON one: one header, with the page's nonce, still refusing framing.
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toMatch(/style-src 'nonce-[^']+'/);
    expect(csp).not.toContain(",");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");

    const token = await fetch(`${server.url}/oauth2/token`, { method: "POST", body: new URLSearchParams() });
    expect(token.status).toBe(401);
    for (const name of Object.keys(documentOnly)) expect(token.headers.get(name), name).toBeNull();
    expect(token.headers.get("cache-control")).toBe("no-store");
    expect(token.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("request ids", () => {
  it("answers each request with an id of its own, or the caller's when it looks like one", async () => {
    const first = (await fetch(`${server.url}/healthz`)).headers.get("x-request-id");
    const second = (await fetch(`${server.url}/healthz`)).headers.get("x-request-id");
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
    const given = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "trace-1234.abc" } });
    expect(given.headers.get("x-request-id")).toBe("trace-1234.abc");
    const refused = await fetch(`${server.url}/nope`, { headers: { "x-request-id": "short" } });
    expect(refused.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.headers.getSetCookie()).toEqual([]);
  });
});

describe("discovery", () => {
  it("serves RFC 8414 metadata whose issuer is PUBLIC_URL", async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const metadata = await response.json();
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth2/token`);
    expect(metadata.jwks_uri).toBe(`${server.url}/.well-known/jwks.json`);
  });

  it("serves the OpenID discovery document", async () => {
    const metadata = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(["ES256"]);
  });

  it("advertises the same endpoints in the RFC 8414 and the OpenID documents (#20 item 12)", async () => {
    const oauth = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
    const openid = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    const endpointKeys = [...new Set([...Object.keys(oauth), ...Object.keys(openid)])].filter(
      (key) => key.endsWith("_endpoint") || key === "jwks_uri" || key === "issuer",
    );
    expect(endpointKeys).toEqual(expect.arrayContaining(["userinfo_endpoint", "token_endpoint", "jwks_uri"]));
    for (const key of endpointKeys) expect(oauth[key], key).toBe(openid[key]);
    expect(oauth.userinfo_endpoint).toBe(`${server.url}/oauth2/userinfo`);
  });

  it("publishes one ES256 public key with no private member", async () => {
    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    const { keys } = await response.json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(keys[0].kid).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(Object.keys(keys[0]).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
  });
});

describe("GraphQL", () => {
  it("rejects a request without credentials with 401 and UNAUTHENTICATED", async () => {
    const { status, headers, json } = await postGraphQL(server.url, { query: "{ viewer { kind } }" });
    expect(status).toBe(401);
    expect(headers.get("www-authenticate")).toContain("Bearer");
    expect(json.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(json.data ?? null).toBeNull();
  });

  it("rejects an unknown or malformed API key the same way", async () => {
    for (const key of ["latch_ak_definitelynotreal", "garbage"]) {
      const { status, json } = await postGraphQL(server.url, { query: "{ viewer { kind } }" }, key);
      expect(status).toBe(401);
      expect(json.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("answers viewer and organization for the first-run API key", async () => {
    const { status, json } = await postGraphQL(
      server.url,
      { query: "{ viewer { kind scopes organization { id name slug } } organization { slug createdAt } }" },
      apiKey,
    );
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data.viewer).toMatchObject({
      kind: "API_KEY",
      scopes: ["admin"],
      organization: { name: "Default", slug: "default" },
    });
    expect(json.data.organization.slug).toBe("default");
    expect(new Date(json.data.organization.createdAt).toISOString()).toBe(json.data.organization.createdAt);
  });

  it("resolves an organization by its global id through node()", async () => {
    const { json } = await postGraphQL(server.url, { query: "{ organization { id } }" }, apiKey);
    const id = json.data.organization.id;
    const node = await postGraphQL(
      server.url,
      { query: `query($id: ID!) { node(id: $id) { ... on Organization { slug } } }`, variables: { id } },
      apiKey,
    );
    expect(node.json.data.node).toEqual({ slug: "default" });
    const otherId = Buffer.from(`Organization:${crypto.randomUUID()}`).toString("base64");
    const other = await postGraphQL(
      server.url,
      { query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: otherId } },
      apiKey,
    );
    expect(other.json.data?.node ?? null).toBeNull();
    expect(other.json.errors?.[0]?.message).toBe("Organization not found");
  });

  it("answers malformed JSON with 400 and a clear message", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: "{ not json",
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/JSON/i);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it("refuses a body of the wrong content type", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${apiKey}` },
      body: "{ viewer { kind } }",
    });
    expect(response.status).toBe(415);
    expect((await response.json()).errors[0]).toEqual({
      message: "Content-Type must be application/json",
      extensions: { code: "BAD_REQUEST" },
    });
  });

  it("rejects queries with more aliases than the limit before executing them", async () => {
    const aliased = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { kind }`).join(" ")} }`;
    const { json } = await postGraphQL(server.url, { query: aliased }, apiKey);
    expect(json.errors?.[0]?.message).toMatch(/aliases/i);
    expect(json.data ?? null).toBeNull();
  });

  it("reports unknown fields as validation errors, not server errors", async () => {
    const { status, json } = await postGraphQL(server.url, { query: "{ nope }" }, apiKey);
    // GraphQL over HTTP: application/json responses carry request errors with 200.
    expect(status).toBe(200);
    expect(json.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(json.errors?.[0]?.message).toContain('Cannot query field "nope"');
  });
});
