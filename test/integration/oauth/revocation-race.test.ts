import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { RefreshToken } from "../../../server/db/entities/index.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

/** Rounds per test, half in each order: on today's 2 shared cores one round takes about 0.3 s. */
const ROUNDS_REVOKE_TOKEN = 200;
const ROUNDS_REVOKE_GRANT = 100;
const RACE_TIMEOUT_MS = 300_000;

type Pair = { access_token: string; refresh_token: string };

let server: TestServer;
let user: TestUser;
let organizationId: string;
let agent: UserAgent;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  agent = new UserAgent(server.url);
});
afterAll(() => server?.stop());

const post = (path: string, app: TestApp, form: Record<string, string>) => postAsClient(server.url, path, app, form);

/** A new family: the signed-in user authorizes again (a new grant once the last was revoked) and the app redeems. */
async function newFamily(app: TestApp): Promise<Pair> {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
  const callback = await authorizeInBrowser(agent, user, url);
  const { status, body } = await post("/oauth2/token", app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  expect(status).toBe(200);
  return body as Pair;
}

/** Every token of the family is dead: introspection says inactive, and neither refresh token refreshes. */
async function expectFamilyDead(app: TestApp, pairs: Pair[], round: string): Promise<void> {
  for (const pair of pairs) {
    for (const token of [pair.access_token, pair.refresh_token]) {
      expect((await post("/oauth2/introspect", app, { token })).body, `${round}: ${token.slice(0, 9)}`).toEqual({
        active: false,
      });
    }
    const refresh = await post("/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: pair.refresh_token,
    });
    expect(refresh, round).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  }
  const family = await server.orm.em
    .fork()
    .findOneOrFail(RefreshToken, { tokenHash: hashSecret(pairs[0]!.refresh_token) });
  const live = await server.orm.em.fork().count(RefreshToken, { familyId: family.familyId, revokedAt: null });
  expect(live, `${round}: unrevoked rows of the family`).toBe(0);
}

/**
 * Starts a revocation and a refresh of the same token together, in the order given, and answers the refresh's pair
 * when it won. The revocation must answer 200 either way.
 */
async function race(revokeFirst: boolean, revoke: () => Promise<number>, refresh: () => Promise<Pair | null>) {
  const [revoked, refreshed] = revokeFirst
    ? await Promise.all([revoke(), refresh()])
    : await Promise.all([refresh(), revoke()]).then(([r, v]) => [v, r] as const);
  expect(revoked).toBe(200);
  return refreshed;
}

const refreshOf = (app: TestApp, pair: Pair) => async () => {
  const { status, body } = await post("/oauth2/token", app, {
    grant_type: "refresh_token",
    refresh_token: pair.refresh_token,
  });
  expect([200, 400]).toContain(status);
  return status === 200 ? (body as Pair) : null;
};

describe("a revocation racing a refresh of the same token leaves no live token of the family", () => {
  it(
    "RFC 7009 revocation of the refresh token, 100 rounds in each order",
    async () => {
      const app = await createApp(server.orm, organizationId);
      for (let round = 0; round < ROUNDS_REVOKE_TOKEN; round++) {
        const pair = await newFamily(app);
        const revoke = () =>
          post("/oauth2/revoke", app, { token: pair.refresh_token, token_type_hint: "refresh_token" }).then(
            (r) => r.status,
          );
        const won = await race(round % 2 === 0, revoke, refreshOf(app, pair));
        await expectFamilyDead(app, won ? [pair, won] : [pair], `round ${round}`);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "GraphQL revokeGrant of the token's grant, 50 rounds in each order",
    async () => {
      const app = await createApp(server.orm, organizationId);
      const graphql = controlPlane(server, await apiKeyFor(server, organizationId));
      for (let round = 0; round < ROUNDS_REVOKE_GRANT; round++) {
        const pair = await newFamily(app);
        const row = await server.orm.em
          .fork()
          .findOneOrFail(RefreshToken, { tokenHash: hashSecret(pair.refresh_token) });
        const id = Buffer.from(`Grant:${row.grant!.id}`).toString("base64");
        const revoke = async () => {
          const result = await graphql.request<{ revokeGrant: { __typename: string } }>(
            `mutation ($id: ID!) { revokeGrant(id: $id) { __typename } }`,
            { id },
          );
          return result.revokeGrant.__typename === "RevokeGrantPayload" ? 200 : 400;
        };
        const won = await race(round % 2 === 0, revoke, refreshOf(app, pair));
        await expectFamilyDead(app, won ? [pair, won] : [pair], `round ${round}`);
      }
    },
    RACE_TIMEOUT_MS,
  );
});
