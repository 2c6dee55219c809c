/**
 * `npm run bench -- scale`: the token and introspection scenarios on the empty database, then again after seeding a
 * million grants and two million tokens (generate_series, in PostgreSQL), plus the control plane's heavy operations:
 * a page of the organization's grants, and revoking every grant of an app with one grant per seeded user (100,000 by default).
 */
import { createApplication } from "../../server/services/applications/create-application.ts";
import { BENCH_SCOPE } from "../fixtures.ts";
import { loadSchemaTypes, type SchemaTypes, selection } from "../graphql-query.ts";
import { type BenchDatabase, nativePool } from "../latch.ts";
import type { RowResult, TimedResult } from "../report.ts";
import type { BenchContext, Scenario } from "../scenario.ts";
import { clientCredentialsJwt } from "./client-credentials-jwt.ts";
import { opaqueIntrospection } from "./opaque-introspection.ts";

export type ScaleResult = {
  seeded: string;
  /** The token and introspection rows: on the empty database, then with the seeded rows. */
  empty: RowResult[];
  rows: RowResult[];
  /** req/s with the seeded rows over req/s on the empty database, per row (target: within 10%). */
  change: {
    row: string;
    emptyRps: number;
    seededRps: number;
    change: number;
    /** The same for Latch's CPU time per request (steadier than req/s on a shared machine). */
    cpuChange?: number;
  }[];
  timed: TimedResult[];
};

/** Grants: every user × every app (1,000,000 by default); a refresh and an opaque access token per grant. */
const APPS = 10;

async function graphql(
  ctx: BenchContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ ms: number; data: Record<string, unknown> }> {
  const started = performance.now();
  const response = await fetch(`${ctx.latch.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ctx.seed.apiKey}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(600_000),
  });
  const json = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  const ms = performance.now() - started;
  if (!json.data || json.errors) throw new Error(`graphql: ${JSON.stringify(json.errors ?? json).slice(0, 400)}`);
  return { ms, data: json.data };
}

/** Seeds the users, apps, grants and tokens with set-based SQL; returns the ids of the apps (the first has one grant per user). */
async function seed(ctx: BenchContext, users: number): Promise<{ appIds: string[]; seconds: number }> {
  const started = performance.now();
  const appIds: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const { application } = await createApplication(
      ctx.seed.orm.em.fork(),
      {
        organizationId: ctx.seed.organizationId,
        name: `Scale app ${i}`,
        type: "confidential",
        allowedScopes: [BENCH_SCOPE, "identify"],
        grantTypes: ["authorization_code", "refresh_token"],
        redirectUris: [`https://scale${i}.example.com/callback`],
        actor: { type: "system" },
      },
      new Date(),
    );
    appIds.push(application.id);
  }
  const pool = await nativePool(ctx.seed);
  const client = await pool.connect();
  try {
    // Bulk loading: durability of each row is irrelevant here, and it saves a WAL flush per statement.
    await client.query("set synchronous_commit = off");
    await client.query(
      `insert into users (id, email, email_normalized, email_verified, display_name, created_at, updated_at)
       select gen_random_uuid(), 'scale' || g || '@example.com', 'scale' || g || '@example.com', true, 'Scale ' || g,
         now(), now()
       from generate_series(1, $1::int) g`,
      [users],
    );
    await client.query(
      `insert into grants (id, user_id, application_id, organization_id, scopes, created_at, updated_at)
       select gen_random_uuid(), u.id, a.id, null, '{identify}', now() - (random() * interval '300 days'), now()
       from (select id from users where email like 'scale%@example.com') u cross join unnest($1::uuid[]) a(id)`,
      [appIds],
    );
    await client.query(
      `insert into refresh_tokens (id, token_hash, application_id, user_id, grant_id, family_id, parent_id,
         authorization_code_id, scopes, created_at, expires_at)
       select gen_random_uuid(), md5(g.id::text), g.application_id, g.user_id, g.id, gen_random_uuid(), null, null,
         g.scopes, g.created_at, now() + interval '30 days'
       from grants g where g.application_id = any($1::uuid[])`,
      [appIds],
    );
    await client.query(
      `insert into access_tokens (id, token_hash, format, application_id, user_id, grant_id, refresh_family_id,
         authorization_code_id, scopes, created_at, expires_at)
       select gen_random_uuid(), md5(g.id::text || ':at'), 'opaque', g.application_id, g.user_id, g.id, null, null,
         g.scopes, g.created_at, now() + interval '1 hour'
       from grants g where g.application_id = any($1::uuid[])`,
      [appIds],
    );
    await client.query("analyze");
  } finally {
    client.release();
  }
  return { appIds, seconds: (performance.now() - started) / 1000 };
}

async function timeGrantsPage(ctx: BenchContext, query: string, runs = 10): Promise<TimedResult> {
  const times: number[] = [];
  await graphql(ctx, query);
  for (let i = 0; i < runs; i++) times.push((await graphql(ctx, query)).ms);
  times.sort((a, b) => a - b);
  return {
    name: "",
    ms: times[Math.floor(times.length / 2)]!,
    note: `median of ${runs}; max ${times.at(-1)!.toFixed(0)} ms`,
  };
}

/** The revocation mutation's selection: a plain payload, or (errors plugin) a union that includes the payload. */
function revokeSelection(types: SchemaTypes): string {
  const mutation = types.get("Mutation")?.fields?.find((f) => f.name === "revokeApplicationGrants");
  if (!mutation) throw new Error("the schema has no revokeApplicationGrants mutation");
  let type = mutation.type;
  while (type.ofType) type = type.ofType;
  const resolved = types.get(type.name!);
  if (resolved?.kind !== "UNION") return "revokedCount";
  const payload = resolved.possibleTypes?.find((t) =>
    types.get(t.name)?.fields?.some((field) => field.name === "revokedCount"),
  );
  const success = resolved.possibleTypes?.find((t) =>
    types.get(t.name)?.fields?.some((field) => field.name === "data"),
  );
  if (payload) return `__typename ... on ${payload.name} { revokedCount }`;
  if (success) return `__typename ... on ${success.name} { data { revokedCount } }`;
  throw new Error(`cannot find the payload of ${type.name}`);
}

export async function runScale(
  ctx: BenchContext,
  _database: BenchDatabase,
  run: (ctx: BenchContext, scenarios: readonly Scenario[]) => Promise<RowResult[]>,
): Promise<ScaleResult> {
  const scenarios = [clientCredentialsJwt, opaqueIntrospection];
  const types = await loadSchemaTypes(ctx.latch.url, ctx.seed.apiKey);
  const grantFields = selection(types, "Grant")
    .split(" ")
    .filter((field) => field && !field.includes("{") && !field.includes("}"))
    .join(" ");
  const grantsPage = `{ grants(first: 100) { edges { cursor node { ${grantFields} } } } }`;
  const timed: TimedResult[] = [];
  const users = ctx.options.scaleUsers;
  const grants = users * APPS;

  process.stderr.write("scale: the empty database first\n");
  const empty = await run(ctx, scenarios);
  timed.push({ ...(await timeGrantsPage(ctx, grantsPage)), name: "GraphQL grants page (100), empty database" });

  process.stderr.write(`scale: seeding ${users} users, ${grants} grants and ${2 * grants} tokens…\n`);
  const { appIds, seconds } = await seed(ctx, users);
  timed.push({ name: `seed ${grants} grants + ${2 * grants} tokens (generate_series)`, ms: seconds * 1000 });
  process.stderr.write(`scale: seeded in ${seconds.toFixed(0)} s\n`);

  const rows = await run(ctx, scenarios);
  timed.push({ ...(await timeGrantsPage(ctx, grantsPage)), name: `GraphQL grants page (100), ${grants} grants` });
  const bigApp = appIds[0]!;
  const filtered = `{ grants(first: 100, filter: { applicationId: "${Buffer.from(`Application:${bigApp}`).toString("base64")}" }) { edges { node { ${grantFields} } } } }`;
  try {
    timed.push({
      ...(await timeGrantsPage(ctx, filtered)),
      name: `GraphQL grants page (100) of an app with ${users} grants`,
    });
  } catch (error) {
    timed.push({ name: "GraphQL grants page of one app", ms: Number.NaN, note: String(error).slice(0, 120) });
  }

  process.stderr.write(`scale: revoking all grants of the app with ${users} grants…\n`);
  const { data } = await graphql(
    ctx,
    `{ application(id: "${Buffer.from(`Application:${bigApp}`).toString("base64")}") { id } }`,
  );
  const globalId = (data.application as { id: string } | null)?.id;
  try {
    if (!globalId) throw new Error("the app was not found through GraphQL");
    const revoke = await graphql(
      ctx,
      `mutation Revoke($id: ID!) { revokeApplicationGrants(applicationId: $id) { ${revokeSelection(types)} } }`,
      { id: globalId },
    );
    // The answer means every token of those grants is refused; the worker then marks the rows and writes the
    // grant.revoked Events in batches. Timed from the mutation's start until no row is left unmarked.
    const started = performance.now() - revoke.ms;
    const pool = await nativePool(ctx.seed);
    let left = Number.NaN;
    const deadline = performance.now() + 300_000;
    do {
      const { rows } = await pool.query<{ n: number }>(
        "select count(*)::int as n from grants where application_id = $1 and revoked_at is null",
        [bigApp],
      );
      left = rows[0]!.n;
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    } while (left > 0 && performance.now() < deadline);
    const marked = performance.now() - started;
    timed.push({
      name: `revoke all grants of an app with ${users} grants (GraphQL)`,
      ms: revoke.ms,
      note: "every token refused from the answer on; target < 2000 ms",
    });
    timed.push({
      name: `  …grant rows and grant.revoked Events written by the worker`,
      ms: left > 0 ? Number.NaN : marked,
      note: left > 0 ? `${left} rows still unmarked after 300 s` : "from the mutation's start",
    });
  } catch (error) {
    timed.push({
      name: `revoke all grants of an app with ${users} grants`,
      ms: Number.NaN,
      note: String(error).slice(0, 160),
    });
  }

  const change = rows.map((row) => {
    const before = empty.find((e) => e.row === row.row);
    const emptyRps = before?.latch.rps ?? 0;
    return {
      row: row.row,
      emptyRps,
      seededRps: row.latch.rps,
      change: emptyRps > 0 ? row.latch.rps / emptyRps - 1 : 0,
      cpuChange:
        before?.latch.cpuUsPerRequest && row.latch.cpuUsPerRequest
          ? row.latch.cpuUsPerRequest / before.latch.cpuUsPerRequest - 1
          : undefined,
    };
  });
  return {
    seeded: `${users} users, ${grants} grants, ${2 * grants} tokens in ${seconds.toFixed(0)} s`,
    empty,
    rows,
    change,
    timed,
  };
}
