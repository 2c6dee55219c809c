import { createApplication } from "../../server/services/applications/create-application.ts";
import { BENCH_SCOPE } from "../fixtures.ts";
import { type LatchSeed, nativePool } from "../latch.ts";
import { type BenchContext, fixedTarget, once, type Row, type Scenario } from "../scenario.ts";

/** The console's screens, as the console sends them (console/src/screens/*.tsx), against an app with this many grants. */
const GRANTS = 100_000;
const EVENTS = 20_000;
const USAGE_DAYS = 90;
/** Access tokens over the 90 days: what the usage screen's distinct active users per day are counted from. */
const ACCESS_TOKENS = 50_000;

const APP_DETAIL = `query ConsoleAppDetail($id: ID!) { application(id: $id) { id name description clientId type isActive createdAt
  grantTypes allowedScopes accessTokenFormat accessTokenTtl refreshTokenTtl refreshTokenRotation refreshReuseInterval
  tokenEndpointAuthMethod isResourceServer activeGrantCount logoUrl primaryColor secondaryColor homepageUrl
  privacyPolicyUrl termsOfServiceUrl redirectUris { id uri advice createdAt lastUsedAt }
  clientSecrets { id name last4 status createdAt expiresAt lastUsedAt } } }`;

const GRANTS_PAGE = `query ConsoleAppGrants($applicationId: ID!) {
  grants(filter: { applicationId: $applicationId, active: true }, first: 100) {
    totalCount edges { node { id scopes createdAt workspaceName user { id displayName email } } } } }`;

const AUDIT_LOG = `query ConsoleAuditLog($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id type actorType actorId subjectType subjectId payload createdAt } } } }`;

const USAGE = `query ConsoleAppUsage($applicationId: ID!, $from: Date!, $to: Date!) {
  usage(applicationId: $applicationId, from: $from, to: $to) { day authorizations denials errors refreshes activeUsers
    tokensAuthorizationCode tokensClientCredentials tokensPassword tokensRefreshToken } }`;

const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/**
 * One app with two redirect URIs and a secret, 100,000 users who granted it, 20,000 events of the organization about
 * it, 90 days of usage counters and 50,000 user access tokens over those days.
 */
async function seedConsoleApp(seed: LatchSeed): Promise<{ applicationId: string }> {
  const { application } = await createApplication(
    seed.orm.em.fork(),
    {
      organizationId: seed.organizationId,
      name: "Console bench app",
      type: "confidential",
      allowedScopes: [BENCH_SCOPE, "identify"],
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      redirectUris: ["https://console-bench.example.com/callback", "https://console-bench.example.com/oauth"],
      actor: { type: "system" },
    },
    new Date(),
  );
  const pool = await nativePool(seed);
  const client = await pool.connect();
  try {
    await client.query(
      `insert into users (id, email, email_normalized, email_verified, display_name, created_at, updated_at)
       select gen_random_uuid(), 'console' || g || '@example.com', 'console' || g || '@example.com', true,
         'Console ' || g, now(), now()
       from generate_series(1, $1::int) g`,
      [GRANTS],
    );
    await client.query(
      `insert into grants (id, user_id, application_id, organization_id, scopes, created_at, updated_at)
       select gen_random_uuid(), u.id, $1::uuid, null, '{identify}', now() - (random() * interval '300 days'), now()
       from users u where u.email like 'console%@example.com'`,
      [application.id],
    );
    await client.query(
      `insert into events (id, type, organization_id, application_id, subject_type, subject_id, actor_type, actor_id,
         payload, created_at)
       select gen_random_uuid(), (array['grant.created','grant.revoked','application.updated','client_secret.created'])[1 + g % 4],
         $1::uuid, $2::uuid, 'Application', $2::text, 'api_key', null, jsonb_build_object('n', g, 'note', 'bench'),
         now() - g * interval '1 minute'
       from generate_series(1, $3::int) g`,
      [seed.organizationId, application.id, EVENTS],
    );
    await client.query(
      `insert into usage_counters (id, application_id, day, authorizations, tokens_authorization_code,
         tokens_refresh_token, tokens_client_credentials, tokens_password, refreshes, active_users, denials, errors)
       select gen_random_uuid(), $1::uuid, current_date - g, 500 + g, 400 + g, 900, 50, 0, 900, 0, 3, 1
       from generate_series(0, $2::int - 1) g`,
      [application.id, USAGE_DAYS],
    );
    await client.query(
      `insert into access_tokens (id, token_hash, format, application_id, user_id, grant_id, refresh_family_id,
         authorization_code_id, scopes, created_at, expires_at)
       select gen_random_uuid(), md5(g.id::text || ':console'), 'opaque', g.application_id, g.user_id, g.id, null, null,
         g.scopes, now() - (random() * interval '89 days'), now() - interval '1 minute'
       from (select * from grants where application_id = $1::uuid limit $2::int) g`,
      [application.id, ACCESS_TOKENS],
    );
    await client.query("analyze");
  } finally {
    client.release();
  }
  return { applicationId: application.id };
}

function graphqlRow(ctx: BenchContext, name: string, query: string, variables: object, field: string): Row {
  const request = {
    method: "POST" as const,
    path: "/graphql",
    headers: { "content-type": "application/json", authorization: `Bearer ${ctx.seed.apiKey}` },
    body: JSON.stringify({ query, variables }),
  };
  return {
    name,
    latch: fixedTarget({ url: ctx.latch.url, ...request }, async () => {
      const result = await once(ctx.latch.url, request);
      const data = result.body.data as Record<string, unknown> | undefined;
      if (result.status !== 200 || result.body.errors || !data?.[field]) {
        throw new Error(`${name}: ${result.status} ${JSON.stringify(result.body).slice(0, 500)}`);
      }
    }),
  };
}

/** The console's screens of one app with 100,000 grants, one GraphQL request each (Latch only). */
export const consoleScreens: Scenario = {
  name: "console",
  description: "GraphQL: the console's app detail, grants (100,000), audit log and 90-day usage (Latch only)",
  async rows(ctx: BenchContext) {
    const { applicationId } = await seedConsoleApp(ctx.seed);
    const id = Buffer.from(`Application:${applicationId}`).toString("base64");
    return [
      graphqlRow(ctx, "console: app detail", APP_DETAIL, { id }, "application"),
      graphqlRow(ctx, "console: grants of an app with 100,000", GRANTS_PAGE, { applicationId: id }, "grants"),
      graphqlRow(ctx, "console: audit log, 50 of 20,000", AUDIT_LOG, { first: 50, filter: {} }, "events"),
      graphqlRow(
        ctx,
        "console: usage for 90 days",
        USAGE,
        { applicationId: id, from: utcDay(USAGE_DAYS - 1), to: utcDay(0) },
        "usage",
      ),
    ];
  },
};
