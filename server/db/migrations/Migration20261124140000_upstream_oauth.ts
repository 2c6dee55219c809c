import { Migration } from "@mikro-orm/migrations";

export class Migration20261124140000_upstream_oauth extends Migration {
  override name = "Migration20261124140000_upstream_oauth";

  override up(): void {
    this.addSql(
      `create table "upstream_flows" ("id" uuid not null, "state_hash" text not null, "purpose" text not null, "identity_provider_id" uuid null, "integration_id" uuid null, "user_id" uuid null, "code_verifier_encrypted" text not null, "nonce" text null, "return_to" text not null, "browser_binding_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "consumed_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "upstream_flows" add constraint "upstream_flows_state_hash_unique" unique ("state_hash");`,
    );
    this.addSql(`create index "upstream_flows_expires_at_index" on "upstream_flows" ("expires_at");`);

    this.addSql(`alter table "integration_credentials" add "revocation_url" text null;`);

    this.addSql(`alter table "connections" add "error" text null;`);

    this.addSql(
      `create index "access_tokens_application_id_created_at_index" on "access_tokens" ("application_id", "created_at");`,
    );

    this.addSql(`drop index "grants_application_id_revoked_at_index";`);
    this.addSql(
      `create index "grants_application_id_created_at_id_index" on "grants" ("application_id", "created_at", "id");`,
    );
    this.addSql(`create index "grants_created_at_id_index" on "grants" ("created_at", "id");`);

    this.addSql(`alter table "webhooks" add "auth_integration_id" uuid null;`);
    this.addSql(
      `alter table "webhooks" add constraint "webhooks_auth_integration_id_foreign" foreign key ("auth_integration_id") references "integration_credentials" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "upstream_flows" add constraint "upstream_flows_identity_provider_id_foreign" foreign key ("identity_provider_id") references "identity_providers" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "upstream_flows" add constraint "upstream_flows_integration_id_foreign" foreign key ("integration_id") references "integration_credentials" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "upstream_flows" add constraint "upstream_flows_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "upstream_flows" add constraint "upstream_flows_purpose_check" check ("purpose" in ('login', 'connection'));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "upstream_flows" cascade;`);
    this.addSql(`alter table "webhooks" drop constraint "webhooks_auth_integration_id_foreign";`);
    this.addSql(`alter table "webhooks" drop column "auth_integration_id";`);
    this.addSql(`drop index "access_tokens_application_id_created_at_index";`);
    this.addSql(`drop index "grants_created_at_id_index";`);
    this.addSql(`drop index "grants_application_id_created_at_id_index";`);
    this.addSql(`create index "grants_application_id_revoked_at_index" on "grants" ("application_id", "revoked_at");`);
    this.addSql(`alter table "connections" drop column "error";`);
    this.addSql(`alter table "integration_credentials" drop column "revocation_url";`);
  }
}
