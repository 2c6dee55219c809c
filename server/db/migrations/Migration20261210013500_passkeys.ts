import { Migration } from "@mikro-orm/migrations";

/**
 * Passkeys (issue 25): a user's WebAuthn credentials (credential id, COSE public key, signature counter, transports,
 * a name, when last used, whether the authenticator backs it up), and the challenges already answered, so each
 * signed challenge is accepted once (kept until it expires).
 */
export class Migration20261210013500_passkeys extends Migration {
  override name = "Migration20261210013500_passkeys";

  override up(): void {
    this.addSql(
      `create table "webauthn_credentials" ("id" uuid not null, "user_id" uuid not null, "credential_id" text not null, "public_key" text not null, "counter" bigint not null, "transports" text[] not null default '{}', "name" text not null, "device_type" text not null, "backed_up" boolean not null default false, "created_at" timestamptz not null, "last_used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "webauthn_credentials" add constraint "webauthn_credentials_credential_id_unique" unique ("credential_id");`,
    );
    this.addSql(`create index "webauthn_credentials_user_id_index" on "webauthn_credentials" ("user_id");`);
    this.addSql(
      `alter table "webauthn_credentials" add constraint "webauthn_credentials_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `create table "webauthn_spent_challenges" ("challenge_hash" text not null, "expires_at" timestamptz not null, primary key ("challenge_hash"));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "webauthn_credentials" cascade;`);
    this.addSql(`drop table if exists "webauthn_spent_challenges" cascade;`);
  }
}
