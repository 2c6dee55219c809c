import { Migration } from "@mikro-orm/migrations";

/**
 * `applications.managed_by`: which deployment manages the app (the Pulumi provider writes
 * `pulumi:<org>/<project>/<stack>`), so a second stack refuses to adopt it unless forced. Existing apps: none.
 */
export class Migration20261209100000_application_managed_by extends Migration {
  override name = "Migration20261209100000_application_managed_by";

  override up(): void {
    this.addSql(`alter table "applications" add "managed_by" text null;`);
  }

  override down(): void {
    this.addSql(`alter table "applications" drop column "managed_by";`);
  }
}
