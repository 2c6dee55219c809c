import { Migration } from "@mikro-orm/migrations";

/**
 * New apps are strict by default: a rotated-out refresh token presented again revokes its family at once (reuse
 * interval 0, Auth0's default too). Apps that exist keep the interval they have stored.
 */
export class Migration20261207110000_strict_refresh_reuse extends Migration {
  override name = "Migration20261207110000_strict_refresh_reuse";

  override up(): void {
    this.addSql(`alter table "applications" alter column "refresh_reuse_interval" set default 0;`);
  }

  override down(): void {
    this.addSql(`alter table "applications" alter column "refresh_reuse_interval" set default 5;`);
  }
}
