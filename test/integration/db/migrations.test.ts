import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkMigrations } from "../../../scripts/check-migrations.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.ts";

describe("migrations", () => {
  it("migrate an empty database to a schema that matches the entities exactly, and back down", async () => {
    const { applied } = await checkMigrations(inject("latchDbAdminUrl"));
    expect(applied.length).toBeGreaterThan(0);
  });
});

describe("money-path constraints live in the database", () => {
  let database: TestDatabase;
  let client: pg.Client;
  let orgId: string;
  let appId: string;

  const insertApp = (clientId: string) =>
    client.query(
      `insert into applications (id, organization_id, name, client_id, type, grant_types, allowed_scopes, created_at, updated_at)
       values ($1, $2, $3, $4, 'confidential', '{}', '{}', now(), now())`,
      [randomUUID(), orgId, `app ${randomUUID()}`, clientId],
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    orgId = randomUUID();
    await client.query(
      "insert into organizations (id, name, slug, created_at, updated_at) values ($1, 'Acme', 'acme', now(), now())",
      [orgId],
    );
    await insertApp("latch_client_unique");
    appId = (await client.query("select id from applications limit 1")).rows[0].id;
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("refuses a second application with the same client_id", async () => {
    await expect(insertApp("latch_client_unique")).rejects.toMatchObject({ code: "23505" });
  });

  it("refuses two client secrets with the same hash", async () => {
    const insert = () =>
      client.query(
        "insert into client_secrets (id, application_id, name, secret_hash, last4, created_at) values ($1, $2, 'ci', 'abc123', 'c123', now())",
        [randomUUID(), appId],
      );
    await insert();
    await expect(insert()).rejects.toMatchObject({ code: "23505" });
  });

  it("refuses a second active signing key of the same algorithm, but keeps retired ones", async () => {
    const insert = (kid: string, status: string) =>
      client.query(
        "insert into signing_keys (kid, algorithm, status, public_jwk, private_key_encrypted, created_at) values ($1, 'ES256', $2, '{}', 'x', now())",
        [kid, status],
      );
    await insert("k1", "active");
    await insert("k0", "retired");
    await insert("k-1", "retired");
    await expect(insert("k2", "active")).rejects.toMatchObject({ code: "23505" });
  });

  it("refuses two API keys, refresh tokens or access tokens with the same hash", async () => {
    for (const sql of [
      "insert into api_keys (id, organization_id, name, key_hash, last4, scopes, created_at) values ($1, $2, 'k', 'h', 'last', '{admin}', now())",
    ]) {
      await client.query(sql, [randomUUID(), orgId]);
      await expect(client.query(sql, [randomUUID(), orgId])).rejects.toMatchObject({ code: "23505" });
    }
    const family = randomUUID();
    const refresh =
      "insert into refresh_tokens (id, token_hash, application_id, family_id, scopes, created_at) values ($1, 'rt', $2, $3, '{}', now())";
    await client.query(refresh, [randomUUID(), appId, family]);
    await expect(client.query(refresh, [randomUUID(), appId, family])).rejects.toMatchObject({ code: "23505" });
  });

  it("spends codes and refresh tokens as heap-only updates: no new entry in any of their indexes", async () => {
    await client.query("begin");
    try {
      for (let i = 0; i < 40; i++) {
        await client.query(
          "insert into refresh_tokens (id, token_hash, application_id, family_id, scopes, created_at) values ($1, $2, $3, $4, '{}', now())",
          [randomUUID(), `hot-${i}`, appId, randomUUID()],
        );
      }
      await client.query("update refresh_tokens set rotated_at = now() where token_hash like 'hot-%'");
      const { rows } = await client.query(
        "select pg_stat_get_xact_tuples_updated('refresh_tokens'::regclass)::int as updated, pg_stat_get_xact_tuples_hot_updated('refresh_tokens'::regclass)::int as hot",
      );
      expect(rows[0].updated).toBe(40);
      // A full page (the default fillfactor) has no room for the new version: nearly none would be heap-only.
      expect(rows[0].hot).toBeGreaterThanOrEqual(36);
      const options = await client.query(
        "select relname, reloptions from pg_class where relname in ('authorization_codes', 'refresh_tokens') order by relname",
      );
      expect(options.rows.map((row) => row.reloptions)).toEqual([["fillfactor=50"], ["fillfactor=50"]]);
    } finally {
      await client.query("rollback");
    }
  });

  it("cascades an application's deletion to its children", async () => {
    await client.query(
      "insert into redirect_uris (id, application_id, uri, created_at) values ($1, $2, 'https://a.example/cb', now())",
      [randomUUID(), appId],
    );
    await client.query("delete from applications where id = $1", [appId]);
    for (const table of ["redirect_uris", "client_secrets", "refresh_tokens"]) {
      const { rows } = await client.query(`select count(*)::int as n from ${table} where application_id = $1`, [appId]);
      expect(rows[0].n, table).toBe(0);
    }
  });
});
