import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { withDefaultHeaders } from "../../../server/http/default-headers.ts";

const DEFAULTS = [
  ["X-Frame-Options", "DENY"],
  ["Referrer-Policy", "no-referrer"],
] as const;

import { bothWays } from "../../support/hono-both-ways.ts";

function app(): Hono {
  const hono = new Hono();
  hono.use((c, next) => withDefaultHeaders(c, DEFAULTS, next));
  hono.get("/plain", (c) => c.json({ ok: true }));
  hono.get("/own", (c) => c.json({ ok: true }, 200, { "referrer-policy": "origin", "Cache-Control": "no-store" }));
  // A web Response returned as it is, as GraphQL's handler does.
  hono.get("/raw", () => new Response("raw", { status: 202, headers: { "x-raw": "1" } }));
  hono.get("/throws", () => {
    throw new Error("boom");
  });
  hono.onError((_error, c) => c.json({ error: "server_error" }, 500));
  return hono;
}

describe.each(bothWays(app))("withDefaultHeaders, %s", (_how, get) => {
  it("gives every response the defaults, a returned web Response and an error answer included", async () => {
    for (const path of ["/plain", "/raw", "/throws"]) {
      const response = await get(path);
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
    }
    const raw = await get("/raw");
    expect(raw.status).toBe(202);
    expect(raw.headers.get("x-raw")).toBe("1");
    expect(await raw.text()).toBe("raw");
  });

  it("lets a route's own value of a default win, and keeps the route's other headers", async () => {
    const response = await get("/own");
    expect(response.headers.get("referrer-policy")).toBe("origin");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(await response.json()).toEqual({ ok: true });
  });
});
