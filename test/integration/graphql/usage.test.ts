import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { token } from "../../support/oauth-client.ts";
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

const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;
let app: TestApp;

async function tokenRequest(form: Record<string, string>): Promise<any> {
  return (await token(server, app, form)).body;
}

function authorizeUrl(): string {
  return `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify", prompt: "consent" })}`;
}

async function connect(user: TestUser): Promise<{ access_token: string; refresh_token: string }> {
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, authorizeUrl());
  return tokenRequest({
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
}

const USAGE = /* GraphQL */ `
  query ($app: ID!, $from: Date!, $to: Date!) {
    usage(applicationId: $app, from: $from, to: $to) {
      day authorizations tokensAuthorizationCode tokensRefreshToken tokensClientCredentials tokensPassword
      refreshes denials errors activeUsers
    }
  }
`;

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  app = await createApp(server.orm, organizationId, { name: "Metered" });
});
afterAll(() => server?.stop());

describe("usage", () => {
  it("reports today's counters and the distinct users who got an access token, and zeros for quiet days", async () => {
    const started = Date.now();
    const { user: alice } = await createUser(server.orm);
    const { user: bob } = await createUser(server.orm);
    const { user: carol } = await createUser(server.orm);
    const aliceTokens = await connect(alice);
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: aliceTokens.refresh_token });
    expect(refreshed.access_token).toEqual(expect.any(String));
    await connect(bob);
    expect((await tokenRequest({ grant_type: "client_credentials" })).access_token).toEqual(expect.any(String));
    expect(
      (await tokenRequest({ grant_type: "authorization_code", code: "bogus", redirect_uri: REDIRECT })).error,
    ).toBe("invalid_grant");
    const denied = await authorizeInBrowser(new UserAgent(server.url), carol, authorizeUrl(), { decision: "deny" });
    expect(denied.searchParams.get("error")).toBe("access_denied");

    const now = Date.now();
    // Counters are batched in memory and written once a second: write them now.
    await server.flushUsage();
    const result: any = await admin.request(USAGE, {
      app: globalId("Application", app.id),
      from: dayOf(started - 2 * 86_400_000),
      to: dayOf(now),
    });
    const quiet = {
      authorizations: 0,
      tokensAuthorizationCode: 0,
      tokensRefreshToken: 0,
      tokensClientCredentials: 0,
      tokensPassword: 0,
      refreshes: 0,
      denials: 0,
      errors: 0,
      activeUsers: 0,
    };
    expect(result.usage[0]).toEqual({ day: dayOf(started - 2 * 86_400_000), ...quiet });
    expect(result.usage[1]).toEqual({ day: dayOf(started - 86_400_000), ...quiet });
    const expected = {
      authorizations: 2,
      tokensAuthorizationCode: 2,
      tokensRefreshToken: 1,
      tokensClientCredentials: 1,
      tokensPassword: 0,
      refreshes: 1,
      denials: 1,
      errors: 1,
    };
    if (dayOf(started) === dayOf(now)) {
      expect(result.usage).toHaveLength(3);
      // Alice twice (code and refresh) and Bob once; the client credentials token has no user.
      expect(result.usage[2]).toEqual({ day: dayOf(now), ...expected, activeUsers: 2 });
    } else {
      // The test ran across midnight UTC: the counts are split between the two days.
      const totals = Object.fromEntries(
        Object.keys(expected).map((key) => [key, result.usage.reduce((sum: number, day: any) => sum + day[key], 0)]),
      );
      expect(totals).toEqual(expected);
    }
  });

  it("refuses a reversed range, one longer than 366 days and a malformed day as bad input", async () => {
    const variables = { app: globalId("Application", app.id) };
    const reversed = await graphqlErrors(admin.request(USAGE, { ...variables, from: "2026-03-02", to: "2026-03-01" }));
    expect(reversed[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "to" } });
    const long = await graphqlErrors(admin.request(USAGE, { ...variables, from: "2025-01-01", to: "2026-01-02" }));
    expect(long[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(long[0]?.message).toContain("at most 366");
    const leapYear: any = await admin.request(USAGE, { ...variables, from: "2024-01-01", to: "2024-12-31" });
    expect(leapYear.usage).toHaveLength(366);
    const malformed = await graphqlErrors(admin.request(USAGE, { ...variables, from: "2026-02-30", to: "2026-03-01" }));
    expect(malformed[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("needs apps:read, and shows another organization's app as not found", async () => {
    const variables = { app: globalId("Application", app.id), from: "2026-01-01", to: "2026-01-01" };
    const grantsOnly = controlPlane(server, await apiKeyFor(server, organizationId, ["grants:read"]));
    expect((await graphqlErrors(grantsOnly.request(USAGE, variables)))[0]?.extensions?.code).toBe("FORBIDDEN");
    const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
    expect(((await reader.request(USAGE, variables)) as any).usage).toHaveLength(1);

    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));
    const errors = await graphqlErrors(other.request(USAGE, variables));
    expect(errors[0]).toMatchObject({ message: "Application not found", extensions: { code: "NOT_FOUND" } });
  });
});
