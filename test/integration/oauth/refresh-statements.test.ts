import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { type CountedServer, startCountedServer } from "../../support/pg-statement-counter.ts";
import { UserAgent } from "../../support/user-agent.ts";

let counted: CountedServer;
let user: TestUser;
let organizationId: string;

beforeAll(async () => {
  counted = await startCountedServer({ worker: false });
  ({ user, organizationId } = await createUser(counted.server.orm));
});
afterAll(() => counted?.stop());

const token = (app: TestApp, form: Record<string, string>) =>
  postAsClient(counted.server.url, "/oauth2/token", app, form);

async function firstPair(app: TestApp, agent: UserAgent) {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
  const callback = await authorizeInBrowser(agent, user, url);
  const { body } = await token(app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  return body as { refresh_token: string };
}

/** Statements PostgreSQL receives for one refresh of `refreshToken`. */
async function statementsOf(app: TestApp, refreshToken: string) {
  counted.counter.reset();
  const answer = await token(app, { grant_type: "refresh_token", refresh_token: refreshToken });
  expect(answer.status).toBe(200);
  return { count: counted.counter.count(), answer };
}

describe("the statements of a rotation", () => {
  it("a token refreshed for the first time is one statement, with or without a reuse interval", async () => {
    const agent = new UserAgent(counted.server.url);
    const strict = await createApp(counted.server.orm, organizationId);
    const lenient = await createApp(counted.server.orm, organizationId, { refreshReuseInterval: 30 });
    const results = [];
    for (const app of [strict, lenient]) {
      const pair = await firstPair(app, agent);
      results.push((await statementsOf(app, pair.refresh_token)).count);
    }
    // The rotation, the successor's derivation included, is the one batched statement: no extra round trip.
    expect(results).toEqual([1, 1]);
  });
});
