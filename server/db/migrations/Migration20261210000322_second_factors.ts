import { Migration } from "@mikro-orm/migrations";

/**
 * Second factors (issue 25): a user's TOTP authenticator (secret sealed, last accepted time step against replay),
 * hashed single-use recovery codes, the second factor a session was signed in with, the `amr` an authorization code
 * carries to the ID token, and an organization's "require MFA for owners and admins" policy.
 */
export class Migration20261210000322_second_factors extends Migration {
  override name = "Migration20261210000322_second_factors";

  override up(): void {
    this.addSql(
      `create table "totp_factors" ("id" uuid not null, "user_id" uuid not null, "secret_encrypted" text not null, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "last_used_step" int null, primary key ("id"));`,
    );
    this.addSql(`alter table "totp_factors" add constraint "totp_factors_user_id_unique" unique ("user_id");`);

    this.addSql(
      `create table "recovery_codes" ("id" uuid not null, "user_id" uuid not null, "code_hash" text not null, "created_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "recovery_codes" add constraint "recovery_codes_code_hash_unique" unique ("code_hash");`);
    this.addSql(`create index "recovery_codes_user_id_index" on "recovery_codes" ("user_id");`);

    this.addSql(`alter table "organizations" add "require_mfa_for_admins" boolean not null default false;`);

    this.addSql(`alter table "sessions" add "second_factor" text null;`);

    this.addSql(`alter table "authorization_codes" add "amr" text[] null;`);

    this.addSql(
      `alter table "totp_factors" add constraint "totp_factors_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "recovery_codes" add constraint "recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "totp_factors" cascade;`);
    this.addSql(`drop table if exists "recovery_codes" cascade;`);
    this.addSql(`alter table "authorization_codes" drop column "amr";`);
    this.addSql(`alter table "organizations" drop column "require_mfa_for_admins";`);
    this.addSql(`alter table "sessions" drop column "second_factor";`);
  }
}
