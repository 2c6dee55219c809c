import type { EntityManager } from "@mikro-orm/postgresql";

/** The per-app, per-day counters of DESIGN.md's UsageCounter. */
export type UsageField =
  | "authorizations"
  | "tokens_authorization_code"
  | "tokens_refresh_token"
  | "tokens_client_credentials"
  | "tokens_password"
  | "refreshes"
  | "denials"
  | "errors";

const TOKEN_FIELDS: Record<string, UsageField> = {
  authorization_code: "tokens_authorization_code",
  refresh_token: "tokens_refresh_token",
  client_credentials: "tokens_client_credentials",
  password: "tokens_password",
};

export function tokenUsageField(grantType: string): UsageField | undefined {
  return TOKEN_FIELDS[grantType];
}

/**
 * Adds one to a counter of today's (UTC) row for the app, creating the row on first use. One upsert statement:
 * concurrent requests never lose a count and never collide on the unique (application, day) key.
 */
export async function countUsage(
  em: EntityManager,
  applicationId: string,
  field: UsageField,
  now: Date,
): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  await em.execute(
    `insert into usage_counters (id, application_id, day, ${field}) values (gen_random_uuid(), ?, ?, 1)
     on conflict (application_id, day) do update set ${field} = usage_counters.${field} + 1`,
    [applicationId, day],
  );
}
