import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../../server/crypto/password.ts";
import { User } from "../../../server/db/entities/index.ts";
import { createLoginThrottle, type LoginThrottle } from "../../../server/services/sessions/login-throttle.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

// Login throttling counts failures, not attempts (#20 item 14). One trusted proxy hop, so each test signs in from
// an address of its own (X-Forwarded-For) and the tests do not share a budget.

let server: TestServer;
const PASSWORD = "correct horse battery staple";
const USERS = 25;
const email = (i: number) => `office${i}@example.com`;

beforeAll(async () => {
  server = await startTestServer({ env: { LATCH_TRUSTED_PROXY_HOPS: "1", LATCH_RUN_WORKER: "false" } });
  const em = server.orm.em.fork();
  const passwordHash = await hashPassword(PASSWORD);
  for (let i = 0; i < USERS; i++) {
    em.create(User, {
      email: email(i),
      emailNormalized: email(i),
      displayName: `User ${i}`,
      passwordHash,
      emailVerified: true,
    });
  }
  await em.flush();
});
afterAll(() => server?.stop());

let addresses = 0;
const freshAddress = () => `203.0.113.${++addresses}`;

/** GET /login then POST it from `address`, as a browser behind that address would. */
async function signIn(address: string, fields: { email: string; password: string }): Promise<Response> {
  const headers = { "x-forwarded-for": address };
  const page = await fetch(`${server.url}/login`, { headers });
  const cookie = page.headers
    .getSetCookie()
    .find((value) => value.startsWith("latch_csrf="))!
    .split(";")[0]!;
  const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
  return fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, csrf_token: csrfToken }),
  });
}

const errorTextOf = (body: string) => /role="alert"[^>]*>([^<]*)</.exec(body)?.[1];

describe("login throttling over HTTP", () => {
  it("lets one account sign in 10 times in a minute", async () => {
    const address = freshAddress();
    for (let i = 1; i <= 10; i++) {
      expect((await signIn(address, { email: email(0), password: PASSWORD })).status, `sign-in ${i}`).toBe(303);
    }
  });

  it("lets 25 people behind one address sign in within a minute", async () => {
    const address = freshAddress();
    for (let i = 0; i < USERS; i++) {
      expect((await signIn(address, { email: email(i), password: PASSWORD })).status, email(i)).toBe(303);
    }
  });

  it("locks an account after 5 failures with a readable 429 page and Retry-After, whatever the address", async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await signIn(freshAddress(), { email: email(1), password: `guess ${attempt}` });
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }
    // Locked for this account: even the right password, even from another address.
    const locked = await signIn(freshAddress(), { email: email(1).toUpperCase(), password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(errorTextOf(await locked.text())).toBe(`Too many attempts, try again in ${retryAfter} seconds.`);
    // Other accounts are not affected.
    expect((await signIn(freshAddress(), { email: email(2), password: PASSWORD })).status).toBe(303);
  });

  it("resets an account's failures when it signs in", async () => {
    const address = freshAddress();
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await signIn(address, { email: email(3), password: `typo ${attempt}` })).status).toBe(401);
    }
    expect((await signIn(address, { email: email(3), password: PASSWORD })).status).toBe(303);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await signIn(address, { email: email(3), password: `typo again ${attempt}` });
      expect(response.status, `failure ${attempt} after the reset`).toBe(401);
    }
    expect((await signIn(address, { email: email(3), password: "one more" })).status).toBe(429);
  });

  it("locks an address after 20 failures on any accounts; a success there does not wipe them", async () => {
    const address = freshAddress();
    for (let attempt = 1; attempt <= 19; attempt++) {
      const response = await signIn(address, { email: `stuffed${attempt}@example.com`, password: "hunter2" });
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }
    expect((await signIn(address, { email: email(4), password: PASSWORD })).status).toBe(303);
    expect((await signIn(address, { email: "stuffed20@example.com", password: "hunter2" })).status).toBe(401);
    const locked = await signIn(address, { email: email(5), password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await signIn(freshAddress(), { email: email(5), password: PASSWORD })).status).toBe(303);
  });

  it("bounds concurrent guesses at the limit: failures are counted before the password is checked", async () => {
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(address, { email: email(6), password: `parallel ${i}` })),
    );
    const statuses = answers.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });
});

describe("the login throttle's policy", () => {
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1) + seconds * 1000);
  let throttle: LoginThrottle;
  let n = 0;
  beforeAll(() => {
    throttle = createLoginThrottle(server.orm.em);
  });
  const attempt = (account: string, seconds: number, address = `198.51.100.${++n % 250}`) =>
    throttle.admit({ address, account }, at(seconds));
  const fail = async (account: string, seconds: number) => {
    const admission = await attempt(account, seconds);
    expect(admission.allowed, `failure at ${seconds}s`).toBe(true);
  };

  it("grows the lockout as failures pile up: a minute, then a quarter of an hour, then an hour", async () => {
    const account = "grower@example.com";
    for (let s = 0; s < 5; s++) await fail(account, s);
    expect(await attempt(account, 10)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    for (let s = 60; s < 65; s++) await fail(account, s);
    // 10 failures within 15 minutes: locked until the first leaves that window.
    expect(await attempt(account, 130)).toEqual({ allowed: false, retryAfterSeconds: 900 - 130 });
    for (let s = 900; s < 905; s++) await fail(account, s);
    for (let s = 1800; s < 1805; s++) await fail(account, s);
    // 20 failures within an hour: locked until the first leaves the hour.
    expect(await attempt(account, 1900)).toEqual({ allowed: false, retryAfterSeconds: 3600 - 1900 });
    expect((await attempt(account, 3600)).allowed).toBe(true);
  });

  it("forgets an account's failures on success, and counts a refused attempt nowhere", async () => {
    const account = "forgiven@example.com";
    for (let s = 0; s < 4; s++) await fail(account, s);
    const success = await attempt(account, 5);
    expect(success.allowed).toBe(true);
    if (success.allowed) await success.succeeded();
    for (let s = 6; s < 11; s++) await fail(account, s);
    for (let s = 11; s < 20; s++) expect((await attempt(account, s)).allowed).toBe(false);
    expect((await attempt(account, 66)).allowed).toBe(true);
  });

  it("keeps a ceiling on all attempts per address, successes included", async () => {
    const address = "192.0.2.77";
    for (let i = 0; i < 300; i++) {
      const admission = await throttle.admit({ address, account: `ceiling${i}@example.com` }, at(10_000));
      expect(admission.allowed).toBe(true);
      if (admission.allowed) await admission.succeeded();
    }
    expect(await throttle.admit({ address, account: "one-more@example.com" }, at(10_001))).toEqual({
      allowed: false,
      retryAfterSeconds: 59,
    });
  });
});
