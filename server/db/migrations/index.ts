import type { Constructor } from "@mikro-orm/core";
import type { Migration } from "@mikro-orm/migrations";
import { Migration20261123192423 } from "./Migration20261123192423.ts";
import { Migration20261124120000_client_change_notify } from "./Migration20261124120000_client_change_notify.ts";
import { Migration20261124130000_webhook_outbox } from "./Migration20261124130000_webhook_outbox.ts";
import { Migration20261124140000_upstream_oauth } from "./Migration20261124140000_upstream_oauth.ts";
import { Migration20261124150000_grants_revoked_before } from "./Migration20261124150000_grants_revoked_before.ts";
import { Migration20261125100000_spent_once_fillfactor } from "./Migration20261125100000_spent_once_fillfactor.ts";
import { Migration20261126100000_apple_signing_key } from "./Migration20261126100000_apple_signing_key.ts";
import { Migration20261127100000_token_state_notify } from "./Migration20261127100000_token_state_notify.ts";
import { Migration20261127110000_shared_rate_limit } from "./Migration20261127110000_shared_rate_limit.ts";
import { Migration20261207110000_strict_refresh_reuse } from "./Migration20261207110000_strict_refresh_reuse.ts";
import { Migration20261207110100_tokens_revoked_before } from "./Migration20261207110100_tokens_revoked_before.ts";
import { Migration20261207160000_accounts } from "./Migration20261207160000_accounts.ts";
import { Migration20261208100000_client_auth_method_and_resource_server } from "./Migration20261208100000_client_auth_method_and_resource_server.ts";
import { Migration20261209100000_application_managed_by } from "./Migration20261209100000_application_managed_by.ts";
import { Migration20261209200000_webhook_response_bytes } from "./Migration20261209200000_webhook_response_bytes.ts";
import { Migration20261210000322_second_factors } from "./Migration20261210000322_second_factors.ts";
import { Migration20261210013500_passkeys } from "./Migration20261210013500_passkeys.ts";
import { Migration20261210013800_sign_in_alerts } from "./Migration20261210013800_sign_in_alerts.ts";

/** Every migration class, oldest first; `node scripts/create-migration.ts` rewrites this file. */
export const migrations: Constructor<Migration>[] = [
  Migration20261123192423,
  Migration20261124120000_client_change_notify,
  Migration20261124130000_webhook_outbox,
  Migration20261124140000_upstream_oauth,
  Migration20261124150000_grants_revoked_before,
  Migration20261125100000_spent_once_fillfactor,
  Migration20261126100000_apple_signing_key,
  Migration20261127100000_token_state_notify,
  Migration20261127110000_shared_rate_limit,
  Migration20261207110000_strict_refresh_reuse,
  Migration20261207110100_tokens_revoked_before,
  Migration20261207160000_accounts,
  Migration20261208100000_client_auth_method_and_resource_server,
  Migration20261209100000_application_managed_by,
  Migration20261209200000_webhook_response_bytes,
  Migration20261210000322_second_factors,
  Migration20261210013500_passkeys,
  Migration20261210013800_sign_in_alerts,
];
