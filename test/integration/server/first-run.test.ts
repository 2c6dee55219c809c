import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../../server/crypto/password.ts";
import { ApiKey, Membership, Organization, User } from "../../../server/db/entities/index.ts";
import { bootstrapFirstRun } from "../../../server/services/bootstrap-first-run.ts";
import { postGraphQL } from "../../support/graphql.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.ts";
import { startTestServer } from "../../support/test-server.ts";

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

describe("first-run bootstrap", () => {
  it("happens once: a restart keeps the organization, the API key and the signing key", async () => {
    const db = await database();
    const first = await startTestServer({ database: db, env: { LATCH_ADMIN_EMAIL: "Root@Example.com" } });
    expect(first.firstRun).toMatchObject({ adminEmail: "Root@Example.com", organizationSlug: "default" });
    expect(first.firstRun!.apiKey).toMatch(/^latch_ak_/);
    expect(first.firstRun!.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const { keys: keysBefore } = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    await first.stop();

    const second = await startTestServer({ database: db, env: { LATCH_MASTER_KEY: first.env.LATCH_MASTER_KEY! } });
    try {
      expect(second.firstRun).toBeNull();
      const { keys: keysAfter } = await (await fetch(`${second.url}/.well-known/jwks.json`)).json();
      expect(keysAfter).toEqual(keysBefore);
      const { status, json } = await postGraphQL(
        second.url,
        { query: "{ viewer { organization { slug } } }" },
        first.firstRun!.apiKey,
      );
      expect(status).toBe(200);
      expect(json.data.viewer.organization.slug).toBe("default");

      const em = second.orm.em.fork();
      expect(await em.count(Organization, {})).toBe(1);
      const user = await em.findOneOrFail(User, { emailNormalized: "root@example.com" });
      expect(await verifyPassword(user.passwordHash!, first.firstRun!.generatedPassword!)).toBe(true);
      expect(await em.count(Membership, { user, role: "owner" })).toBe(1);
      const [apiKey] = await em.findAll(ApiKey);
      if (!apiKey) throw new Error("no API key");
      expect(apiKey.scopes).toEqual(["admin"]);
      expect(apiKey.keyHash).not.toContain(first.firstRun!.apiKey);
      expect(apiKey.lastUsedAt).toBeInstanceOf(Date);
    } finally {
      await second.stop();
    }
  });

  it("uses LATCH_ADMIN_PASSWORD and does not print a generated one", async () => {
    const db = await database();
    const server = await startTestServer({ database: db, env: { LATCH_ADMIN_PASSWORD: "correct horse battery" } });
    try {
      expect(server.firstRun!.generatedPassword).toBeUndefined();
      const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: "admin@latch.local" });
      expect(user.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(user.passwordHash!, "correct horse battery")).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it("bootstraps exactly once when replicas start together", async () => {
    const db = await database();
    const server = await startTestServer({ database: db });
    try {
      // The server already bootstrapped: concurrent attempts on the same database must all back off.
      const em = server.orm.em;
      const results = await Promise.all(Array.from({ length: 4 }, () => bootstrapFirstRun(em.fork(), {}, new Date())));
      expect(results.every((result) => result === null)).toBe(true);
      await em.fork().nativeDelete(Organization, {});
      await em.fork().nativeDelete(User, {});
      const raced = await Promise.all(Array.from({ length: 4 }, () => bootstrapFirstRun(em.fork(), {}, new Date())));
      expect(raced.filter((result) => result !== null)).toHaveLength(1);
      expect(await em.fork().count(Organization, {})).toBe(1);
      expect(await em.fork().count(ApiKey, {})).toBe(1);
    } finally {
      await server.stop();
    }
  });
});
