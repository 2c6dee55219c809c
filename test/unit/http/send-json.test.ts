import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendJson } from "../../../server/http/send-json.ts";

function app(): Hono {
  const hono = new Hono();
  hono.get("/token", (c) =>
    sendJson(c, { access_token: "x" }, 200, { "Cache-Control": "no-store", Pragma: "no-cache" }),
  );
  hono.get("/jwks", (c) => sendJson(c, { keys: [] }, 200, { "Content-Type": "application/jwk-set+json" }));
  hono.get("/error", (c) => sendJson(c, { error: "invalid_client" }, 401, { "WWW-Authenticate": 'Basic realm="x"' }));
  return hono;
}

let server: ServerType;
let base: string;
beforeAll(async () => {
  server = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch: app().fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each([
  ["served by Node", (path: string) => fetch(`${base}${path}`)],
  ["in memory (app.request)", (path: string) => app().request(path)],
])("sendJson, %s", (_how, get) => {
  it("answers the body as JSON with every header given", async () => {
    const response = await get("/token");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    expect(await response.json()).toEqual({ access_token: "x" });
  });

  it("keeps a content type of the route's own, and the status given", async () => {
    const jwks = await get("/jwks");
    expect(jwks.headers.get("content-type")).toBe("application/jwk-set+json");
    const error = await get("/error");
    expect(error.status).toBe(401);
    expect(error.headers.get("www-authenticate")).toBe('Basic realm="x"');
    expect(await error.json()).toEqual({ error: "invalid_client" });
  });
});
