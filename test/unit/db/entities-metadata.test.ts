import { ReferenceKind } from "@mikro-orm/core";
import { MikroORM } from "@mikro-orm/postgresql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, entities } from "../../../server/db/entities/index.ts";
import { migrations } from "../../../server/db/migrations/index.ts";
import { createOrmOptions } from "../../../server/db/orm-options.ts";

// Discovery only: MikroORM 7 connects lazily, and nothing listens on this port.
const clientUrl = "postgres://nobody@127.0.0.1:1/latch_metadata_only";

describe("entity metadata", () => {
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await MikroORM.init(createOrmOptions({ clientUrl }));
  });

  afterAll(async () => {
    await orm.close(true);
  });

  const discovered = () => [...orm.getMetadata().getAll().values()].filter((meta) => !meta.embeddable);

  it("discovers every entity without connecting", async () => {
    expect(
      discovered()
        .map((meta) => meta.className)
        .sort(),
    ).toEqual(entities.map((schema) => schema.meta.className).sort());
    expect(discovered().length).toBeGreaterThan(20);
    expect(await orm.isConnected()).toBe(false);
  });

  it("maps every entity to a snake_case plural table with snake_case columns", () => {
    for (const meta of discovered()) {
      expect(meta.tableName, meta.className).toMatch(/^[a-z]+(_[a-z]+)*s$/);
      for (const prop of meta.props) {
        for (const field of prop.fieldNames ?? [])
          expect(field, `${meta.className}.${prop.name}`).toMatch(/^[a-z0-9_]+$/);
      }
    }
  });

  it("gives every foreign key an explicit delete rule", () => {
    for (const meta of discovered()) {
      for (const prop of meta.props.filter((p) => p.kind === ReferenceKind.MANY_TO_ONE)) {
        expect(prop.deleteRule, `${meta.className}.${prop.name}`).toMatch(/^(cascade|set null)$/);
        if (prop.deleteRule === "set null") expect(prop.nullable, `${meta.className}.${prop.name}`).toBe(true);
      }
    }
  });

  it("keeps events free of foreign keys so they survive deletions", () => {
    const event = orm.getMetadata().get(Event);
    expect(event.props.filter((prop) => prop.kind !== ReferenceKind.SCALAR)).toEqual([]);
  });

  it("has no column that could hold a plaintext secret", () => {
    // Secrets live as `*_hash` (SHA-256 hex), `*_encrypted` (envelope ciphertext) or `*_last4`; a column named after
    // the secret itself (`client_secret`, `access_token`, `password`, `private_key`) would be a plaintext one. A
    // passkey's `public_key` is public by definition.
    const checked: string[] = [];
    for (const meta of discovered()) {
      for (const prop of meta.props.filter((p) => p.columnTypes?.[0] === "text")) {
        for (const field of prop.fieldNames ?? []) {
          expect(field, `${meta.className}.${prop.name}`).not.toMatch(/(secret|token|password|(?<!public_)key)$/);
          checked.push(`${meta.tableName}.${field}`);
        }
      }
    }
    expect(checked).toContain("users.password_hash");
    expect(checked).toContain("identity_providers.client_secret_encrypted");
  });

  it("lists the committed migrations for the migrator", () => {
    expect(migrations.length).toBeGreaterThan(0);
    expect(orm.config.get("migrations").migrationsList).toEqual(migrations);
    expect(orm.config.get("migrations").tableName).toBe("latch_migrations");
  });
});
