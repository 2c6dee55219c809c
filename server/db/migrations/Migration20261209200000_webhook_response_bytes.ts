import { Migration } from "@mikro-orm/migrations";

/**
 * `webhook_deliveries.response_bytes`: the size of an endpoint's answer, kept for every attempt that got one, while
 * the body itself is kept only for endpoints that passed the public-address check (#20 item 8). Existing rows: null
 * (their size was not recorded; the log's retention prunes them).
 */
export class Migration20261209200000_webhook_response_bytes extends Migration {
  override name = "Migration20261209200000_webhook_response_bytes";

  override up(): void {
    this.addSql(`alter table "webhook_deliveries" add "response_bytes" int null;`);
  }

  override down(): void {
    this.addSql(`alter table "webhook_deliveries" drop column "response_bytes";`);
  }
}
