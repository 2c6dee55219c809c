import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { LoadResult } from "../../../bench/load.ts";
import { formatRounds, type RowResult } from "../../../bench/report.ts";
import { driveWrk, findWrk } from "../../../bench/wrk.ts";

const load = (rps: number, cpu: number): LoadResult => ({
  rps,
  p50: 1,
  p90: 2,
  p99: 3,
  max: 4,
  total: rps,
  errors: 0,
  non2xx: 0,
  durationS: 1,
  cpuUsPerRequest: cpu,
});

const row = (latch: number, peer: number, raw: number): RowResult => ({
  scenario: "cc-jwt",
  row: "client_credentials (JWT)",
  latch: load(latch, 100),
  peer: load(peer, 200),
  raw: load(raw, 90),
  ratio: latch / peer,
  minRatio: 2,
  ofRaw: latch / raw,
  latchRssMb: 150,
  peerRssMb: 100,
});

describe("the bench's rounds", () => {
  it("judges each row on its minimum ratio over the rounds, and the raw limit on its minimum share", () => {
    const text = formatRounds([[row(13000, 6000, 15000)], [row(11000, 6000, 16000)], [row(14000, 6500, 15500)]]);
    const line = text.split("\n").find((l) => l.startsWith("client_credentials"))!;
    expect(line).toContain("1.83x ✗ (≥2)");
    expect(line).toContain("1.83-2.17x");
    const raw = text.split("\n").find((l) => l.includes("of the raw limit"))!;
    expect(raw).toContain("69% ✗ (≥75%)");
    expect(formatRounds([[row(13000, 6000, 15000)], [row(14000, 6000, 15000)]])).toContain("2.17x ✓");
  });
});

const wrk = await findWrk(false, () => {});

describe.skipIf(!wrk)("wrk as the load generator", () => {
  it("sends the method, headers and body, and counts answers ≥ 400 as non-2xx", async () => {
    const seen = new Set<string>();
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        seen.add(`${request.method} ${request.url} ${request.headers["x-bench"]} ${body}`);
        response.statusCode = request.headers["x-bench"] === "fail" ? 500 : 200;
        response.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const body = JSON.stringify({ query: 'query { a(b: "c\\"d") }' });
      const ok = await driveWrk(
        wrk!,
        { url, method: "POST", path: "/graphql", headers: { "x-bench": "yes" }, body },
        { connections: 2, duration: 1 },
      );
      expect(ok.requests).toBeGreaterThan(10);
      expect(ok.non2xx).toBe(0);
      expect([...seen]).toEqual([`POST /graphql yes ${body}`]);
      const failing = await driveWrk(wrk!, { url, headers: { "x-bench": "fail" } }, { connections: 1, duration: 1 });
      expect(failing.requests).toBeGreaterThan(0);
      expect(failing.non2xx).toBe(failing.requests);
    } finally {
      server.close();
    }
  });
});
