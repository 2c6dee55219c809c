import { Migration } from "@mikro-orm/migrations";

/** `users.notify_sign_ins`: the user chose to be mailed at each new sign-in (off for every existing account). */
export class Migration20261210013800_sign_in_alerts extends Migration {
  override name = "Migration20261210013800_sign_in_alerts";

  override up(): void {
    this.addSql(`alter table "users" add "notify_sign_ins" boolean not null default false;`);
  }

  override down(): void {
    this.addSql(`alter table "users" drop column "notify_sign_ins";`);
  }
}
