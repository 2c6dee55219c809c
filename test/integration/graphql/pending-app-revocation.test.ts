import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, Grant, User } from "../../../server/db/entities/index.ts";
import { revokeApplicationGrants } from "../../../server/services/grants/revoke-application-grants.ts";
import { apiKeyFor, controlPlane, globalId } from "../../support/control-plane.ts";
import { createApp, createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

/**
 * An app-wide revocation past the inline limit leaves its grant rows to the worker. With no worker running, the rows
 * stay unmarked for as long as the test needs: the control plane must read them as revoked all the same.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
});
afterAll(() => server?.stop());

/** A grant by a new user, given at `createdAt`. */
async function seedGrant(applicationId: string, createdAt: Date): Promise<string> {
  const { user } = await createUser(server.orm);
  const em = server.orm.em.fork();
  const grant = em.create(Grant, {
    user: em.getReference(User, user.id),
    application: em.getReference(Application, applicationId),
    scopes: ["identify"],
    createdAt,
    updatedAt: createdAt,
  });
  await em.flush();
  return grant.id;
}

describe("an app-wide revocation the worker has not caught up with", () => {
  it("reads as revoked; revoking one of its grants again counts 0 and leaves the row to the worker", async () => {
    const { organizationId } = await createUser(server.orm);
    const admin = controlPlane(server, await apiKeyFor(server, organizationId));
    const app = await createApp(server.orm, organizationId);
    const earlier = new Date(Date.now() - 1000);
    const grantIds = [];
    for (let i = 0; i < 3; i++) grantIds.push(await seedGrant(app.id, earlier));
    const now = new Date();
    const count = await revokeApplicationGrants(
      server.orm.em,
      server.runtime,
      { applicationId: app.id, organizationId, actor: { type: "system" } },
      now,
      1,
    );
    expect(count).toBe(3);
    const unmarked = () => server.orm.em.fork().count(Grant, { application: app.id, revokedAt: null });
    expect(await unmarked()).toBe(3);

    const result: any = await admin.request(
      /* GraphQL */ `mutation ($id: ID!) {
        revokeGrant(id: $id) {
          ... on RevokeGrantPayload { revokedCount grant { active revokedAt revokedReason } }
        }
      }`,
      { id: globalId("Grant", grantIds[0]!) },
    );
    expect(result.revokeGrant).toEqual({
      revokedCount: 0,
      grant: { active: false, revokedAt: now.toISOString(), revokedReason: "revoked_by_organization" },
    });
    expect(await unmarked()).toBe(3);

    const view: any = await admin.request(
      /* GraphQL */ `query ($app: ID!) {
        application(id: $app) { activeGrantCount }
        standing: grants(filter: { applicationId: $app, active: true }) { totalCount }
        revoked: grants(filter: { applicationId: $app, active: false }) { totalCount }
      }`,
      { app: globalId("Application", app.id) },
    );
    expect(view).toEqual({
      application: { activeGrantCount: 0 },
      standing: { totalCount: 0 },
      revoked: { totalCount: 3 },
    });

    // A grant given after the revocation stands, in the same views.
    const fresh = await seedGrant(app.id, new Date(now.getTime() + 1));
    const after: any = await admin.request(
      /* GraphQL */ `query ($app: ID!, $id: ID!) {
        application(id: $app) { activeGrantCount }
        standing: grants(filter: { applicationId: $app, active: true }) { totalCount }
        node(id: $id) { ... on Grant { active revokedAt } }
      }`,
      { app: globalId("Application", app.id), id: globalId("Grant", fresh) },
    );
    expect(after).toEqual({
      application: { activeGrantCount: 1 },
      standing: { totalCount: 1 },
      node: { active: true, revokedAt: null },
    });
  });
});
