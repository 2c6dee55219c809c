import { Migration } from "@mikro-orm/migrations";

/**
 * Sign in with Apple from the developer's .p8 key: the team id and key id Latch signs each client-secret JWT with
 * (the key itself is the provider's sealed client secret). Both null: the secret is a JWT pasted as is.
 */
export class Migration20261126100000_apple_signing_key extends Migration {
  override name = "Migration20261126100000_apple_signing_key";

  override up(): void {
    this.addSql(
      `alter table "identity_providers" add column "apple_team_id" text null, add column "apple_key_id" text null;`,
    );
  }

  override down(): void {
    this.addSql(`alter table "identity_providers" drop column "apple_team_id", drop column "apple_key_id";`);
  }
}
