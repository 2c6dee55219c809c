import { hashPassword } from "../../server/crypto/password.ts";
import { createApplication } from "../../server/services/applications/create-application.ts";
import { BENCH_SCOPE } from "../fixtures.ts";
import { loadSchemaTypes, selection } from "../graphql-query.ts";
import { type LatchSeed, nativePool } from "../latch.ts";
import { type BenchContext, fixedTarget, once, type Scenario } from "../scenario.ts";

const APPS = 100;
const GRANTS_PER_APP = 3;

/** 100 apps with two redirect URIs, a secret and a few grants each, so every relation of a page has rows. */
async function seedApplications(seed: LatchSeed): Promise<void> {
  const appIds: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const { application } = await createApplication(
      seed.orm.em.fork(),
      {
        organizationId: seed.organizationId,
        name: `GraphQL bench app ${i}`,
        type: "confidential",
        allowedScopes: [BENCH_SCOPE, "identify"],
        grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
        redirectUris: [`https://app${i}.example.com/callback`, `https://app${i}.example.com/oauth`],
        actor: { type: "system" },
      },
      new Date(),
    );
    appIds.push(application.id);
  }
  const pool = await nativePool(seed);
  const passwordHash = await hashPassword("graphql-bench-password");
  await pool.query(
    `insert into users (id, email, email_normalized, email_verified, display_name, password_hash, created_at, updated_at)
     select gen_random_uuid(), 'gq' || g || '@example.com', 'gq' || g || '@example.com', true, 'GQ ' || g, $1, now(), now()
     from generate_series(1, $2::int) g`,
    [passwordHash, GRANTS_PER_APP],
  );
  await pool.query(
    `insert into grants (id, user_id, application_id, organization_id, scopes, created_at, updated_at)
     select gen_random_uuid(), u.id, a, null, '{identify}', now(), now()
     from unnest($1::uuid[]) a cross join (select id from users where email like 'gq%@example.com') u`,
    [appIds],
  );
}

/** The control plane: one page of 100 apps with every relation the schema offers (one GraphQL request). */
export const graphqlApplications: Scenario = {
  name: "graphql",
  description: "GraphQL: a page of 100 apps with their relations (Latch only)",
  async rows(ctx: BenchContext) {
    await seedApplications(ctx.seed);
    const types = await loadSchemaTypes(ctx.latch.url, ctx.seed.apiKey);
    const query = `query Page { applications(first: ${APPS}) { totalCount edges { cursor node { ${selection(types, "Application")} } } } }`;
    const request = {
      method: "POST" as const,
      path: "/graphql",
      headers: { "content-type": "application/json", authorization: `Bearer ${ctx.seed.apiKey}` },
      body: JSON.stringify({ query }),
    };
    return [
      {
        name: "GraphQL: 100 apps + relations",
        latch: fixedTarget({ url: ctx.latch.url, ...request }, async () => {
          const result = await once(ctx.latch.url, request);
          const data = result.body.data as { applications?: { edges: unknown[] } } | undefined;
          if (result.status !== 200 || result.body.errors || (data?.applications?.edges.length ?? 0) < APPS) {
            throw new Error(`graphql: ${result.status} ${JSON.stringify(result.body).slice(0, 500)}`);
          }
        }),
      },
    ];
  },
};
