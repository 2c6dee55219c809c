import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postAsClient } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const METRICS_TOKEN = "metrics-scraper-token-0123456789";
let open: TestServer;
let guarded: TestServer;
let app: TestApp;

beforeAll(async () => {
  open = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
  guarded = await startTestServer({ env: { LATCH_RUN_WORKER: "false", LATCH_METRICS_TOKEN: METRICS_TOKEN } });
  const { organizationId } = await createUser(open.orm);
  app = await createApp(open.orm, organizationId, { grantTypes: ["client_credentials"] });
});
afterAll(async () => {
  await guarded?.stop();
  await open?.stop();
});

async function scrape(server: TestServer, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** The value of one sample line of the exposition, or undefined. */
const sample = (text: string, series: string) =>
  text
    .split("\n")
    .find((line) => line.startsWith(`${series} `))
    ?.split(" ")[1];

describe("GET /metrics", () => {
  it("exposes request latency by matched route (never the raw path), process metrics and the caches", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await postAsClient(open.url, "/oauth2/token", app, { grant_type: "client_credentials" })).status).toBe(
        200,
      );
    }
    expect((await fetch(`${open.url}/no-such-route-7f3a9c`)).status).toBe(404);
    const { status, type, text } = await scrape(open);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(
      Number(
        sample(text, 'latch_http_request_duration_seconds_count{method="POST",route="/oauth2/token",status="200"}'),
      ),
    ).toBe(3);
    // Unmatched paths share one label: the pattern of the middleware that saw them.
    expect(
      Number(sample(text, 'latch_http_request_duration_seconds_count{method="GET",route="/*",status="404"}')),
    ).toBe(1);
    expect(text).not.toContain("no-such-route-7f3a9c");
    expect(text).not.toContain(app.clientSecret!);
    expect(Number(sample(text, "latch_process_cpu_seconds"))).toBeGreaterThan(0);
    expect(Number(sample(text, "latch_process_resident_memory_bytes"))).toBeGreaterThan(10_000_000);
    expect(Number(sample(text, "latch_nodejs_eventloop_delay_p99_seconds"))).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'latch_cache_enabled{cache="token_state"}')).toBe("1");
    expect(sample(text, 'latch_cache_enabled{cache="client"}')).toBe("1");
    expect(Number(sample(text, 'latch_cache_entries{cache="client"}'))).toBeGreaterThanOrEqual(0);
  });

  it("with LATCH_METRICS_TOKEN set, answers only a scraper that sends it", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-0123456789abcdef" },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of attempts) {
      const refused = await scrape(guarded, headers);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({ error: "invalid_token" });
    }
    const allowed = await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain("latch_http_request_duration_seconds");
  });
});
