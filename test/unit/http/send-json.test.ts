import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { sendJson } from "../../../server/http/send-json.ts";
import { bothWays } from "../../support/hono-both-ways.ts";

function app(): Hono {
  const hono = new Hono();
  hono.get("/token", (c) =>
    sendJson(c, { access_token: "x" }, 200, { "Cache-Control": "no-store", Pragma: "no-cache" }),
  );
  hono.get("/jwks", (c) => sendJson(c, { keys: [] }, 200, { "Content-Type": "application/jwk-set+json" }));
  hono.get("/error", (c) => sendJson(c, { error: "invalid_client" }, 401, { "WWW-Authenticate": 'Basic realm="x"' }));
  return hono;
}

describe.each(bothWays(app))("sendJson, %s", (_how, get) => {
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
