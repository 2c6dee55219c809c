import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../../server/db/entities/index.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, UserAgent } from "../../support/user-agent.ts";

let behindProxy: TestServer;
let direct: TestServer;

beforeAll(async () => {
  [behindProxy, direct] = await Promise.all([
    startTestServer({ env: { LATCH_TRUSTED_PROXY_HOPS: "1" } }),
    startTestServer(),
  ]);
});
afterAll(async () => {
  await behindProxy?.stop();
  await direct?.stop();
});

/** Signs in through the login form with an X-Forwarded-For header; returns the address the session recorded. */
async function sessionAddress(server: TestServer, forwardedFor: string): Promise<string | null | undefined> {
  const { user } = await createUser(server.orm);
  const agent = new UserAgent(server.url);
  const page = await agent.get("/login");
  const csrf = hiddenField(await page.text(), "csrf_token");
  const response = await agent.post(
    "/login",
    { email: user.email, password: user.password, csrf_token: csrf, return_to: "/account/connections" },
    { "x-forwarded-for": forwardedFor },
  );
  expect(response.status).toBe(303);
  const session = await server.orm.em.fork().findOneOrFail(Session, { user: user.id });
  return session.ipAddress;
}

describe("LATCH_TRUSTED_PROXY_HOPS", () => {
  it("records the address the trusted proxy saw, not what the client wrote further left", async () => {
    expect(await sessionAddress(behindProxy, "1.2.3.4, 203.0.113.9")).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For when no proxy is trusted", async () => {
    expect(await sessionAddress(direct, "203.0.113.9")).toBe("127.0.0.1");
  });
});
