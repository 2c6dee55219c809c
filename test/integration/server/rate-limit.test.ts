import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "../../../server/db/rate-limit.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

// The login rate limits live in PostgreSQL so every replica counts the same attempts: two servers on one database
// stand for two replicas.
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  first = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
  second = await startTestServer({
    env: { LATCH_RUN_WORKER: "false", LATCH_MASTER_KEY: first.env.LATCH_MASTER_KEY! },
    database: first.database,
  });
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

const at = (ms: number) => new Date(Date.UTC(2026, 10, 24) + ms);
let names = 0;
const limiter = (server: TestServer, limit: number, windowMs: number, name = `test-${++names}`) =>
  createRateLimiter(server.orm.em, { name, limit, windowMs });

async function storedAttempts(): Promise<number> {
  const [row] = await first.orm.em.fork().getConnection().execute("select count(*)::int as n from rate_limit_events");
  return row!.n as number;
}

describe("the shared rate limiter", () => {
  it("allows `limit` events per window and refuses the next with the seconds to wait", async () => {
    const perAccount = limiter(first, 5, 60_000);
    for (let i = 0; i < 5; i++) expect((await perAccount.consume("a", at(i * 1000))).allowed).toBe(true);
    expect(await perAccount.consume("a", at(10_000))).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect((await perAccount.consume("b", at(10_000))).allowed).toBe(true);
  });

  it("slides: each event frees a slot exactly one window after it; refused attempts are not counted", async () => {
    const k = limiter(first, 2, 10_000);
    expect((await k.consume("k", at(0))).allowed).toBe(true);
    expect((await k.consume("k", at(5_000))).allowed).toBe(true);
    expect(await k.consume("k", at(9_999))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await k.consume("k", at(10_000))).allowed).toBe(true);
    expect(await k.consume("k", at(10_001))).toEqual({ allowed: false, retryAfterSeconds: 5 });
    expect((await k.consume("k", at(15_000))).allowed).toBe(true);
  });

  it("counts the attempts of every replica together, exactly, even when they arrive at once", async () => {
    const name = "login-account-shared";
    const onFirst = limiter(first, 5, 60_000, name);
    const onSecond = limiter(second, 5, 60_000, name);
    const now = at(100_000);
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? onFirst : onSecond).consume("ada@example.com", now)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds === 60)).toBe(true);
    // Another limiter name is another count, whatever the key.
    expect((await limiter(second, 5, 60_000).consume("ada@example.com", now)).allowed).toBe(true);
  });

  it("drops a key's attempts once they leave the window, so the table holds only live ones", async () => {
    const k = limiter(first, 3, 1_000);
    for (let i = 0; i < 3; i++) await k.consume("sweep", at(200_000 + i));
    const before = await storedAttempts();
    expect((await k.consume("sweep", at(202_000))).allowed).toBe(true);
    expect(await storedAttempts()).toBe(before - 2);
  });

  it("refuses settings it cannot honour", () => {
    expect(() => limiter(first, 0, 1)).toThrow(RangeError);
    expect(() => limiter(first, 1, 0)).toThrow(RangeError);
    expect(() => limiter(first, 1, 3_600_001)).toThrow(RangeError);
  });
});
