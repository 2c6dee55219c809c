import { Migration } from "@mikro-orm/migrations";

/**
 * `applications.token_endpoint_auth_method`: the one client authentication method a confidential app may use
 * (`client_secret_basic`, `client_secret_post`), or `any` (both, the default: existing apps keep working).
 * `applications.is_resource_server`: the app may introspect every token of its organization; without it an app
 * introspects only its own tokens (RFC 7662 §4). Existing apps default to false.
 */
export class Migration20261208100000_client_auth_method_and_resource_server extends Migration {
  override name = "Migration20261208100000_client_auth_method_and_resource_server";

  override up(): void {
    this.addSql(
      `alter table "applications" add "token_endpoint_auth_method" text not null default 'any', add "is_resource_server" boolean not null default false;`,
    );
    this.addSql(
      `alter table "applications" add constraint "applications_token_endpoint_auth_method_check" check ("token_endpoint_auth_method" in ('client_secret_basic', 'client_secret_post', 'any'));`,
    );
  }

  override down(): void {
    this.addSql(`alter table "applications" drop constraint "applications_token_endpoint_auth_method_check";`);
    this.addSql(
      `alter table "applications" drop column "token_endpoint_auth_method", drop column "is_resource_server";`,
    );
  }
}
