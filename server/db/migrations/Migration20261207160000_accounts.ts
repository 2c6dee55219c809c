import { Migration } from "@mikro-orm/migrations";

/**
 * Accounts (issue 22): an organization's sign-up policy (CLOSED by default, the first-run organization included) and
 * whether it requires a verified email before consent; single-use email links (verify, reset, change address) and
 * invitations, both stored as the SHA-256 of their token only.
 */
export class Migration20261207160000_accounts extends Migration {
  override name = "Migration20261207160000_accounts";

  override up(): void {
    this.addSql(
      `create table "invitations" ("id" uuid not null, "organization_id" uuid not null, "email" text not null, "email_normalized" text not null, "role" text not null, "token_hash" text not null, "invited_by_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "invitations" add constraint "invitations_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `create index "invitations_organization_id_email_normalized_index" on "invitations" ("organization_id", "email_normalized");`,
    );

    this.addSql(
      `create table "account_tokens" ("id" uuid not null, "user_id" uuid not null, "purpose" text not null, "token_hash" text not null, "email" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "account_tokens" add constraint "account_tokens_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "account_tokens_user_id_purpose_index" on "account_tokens" ("user_id", "purpose");`);

    this.addSql(
      `alter table "organizations" add "sign_up_policy" text not null default 'CLOSED', add "require_verified_email" boolean not null default false;`,
    );
    this.addSql(
      `alter table "organizations" add constraint "organizations_sign_up_policy_check" check ("sign_up_policy" in ('OPEN', 'INVITE_ONLY', 'CLOSED'));`,
    );

    this.addSql(
      `alter table "invitations" add constraint "invitations_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "invitations" add constraint "invitations_invited_by_id_foreign" foreign key ("invited_by_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "invitations" add constraint "invitations_role_check" check ("role" in ('owner', 'admin', 'member'));`,
    );

    this.addSql(
      `alter table "account_tokens" add constraint "account_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "account_tokens" add constraint "account_tokens_purpose_check" check ("purpose" in ('verify_email', 'reset_password', 'change_email'));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "invitations" cascade;`);
    this.addSql(`drop table if exists "account_tokens" cascade;`);
    this.addSql(`alter table "organizations" drop constraint "organizations_sign_up_policy_check";`);
    this.addSql(`alter table "organizations" drop column "sign_up_policy", drop column "require_verified_email";`);
  }
}
