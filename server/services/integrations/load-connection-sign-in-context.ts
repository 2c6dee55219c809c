import type { EntityManager } from "@mikro-orm/postgresql";
import { IntegrationCredential } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";

/** What the login page needs of the connection a signed-out person signs in to start (seed 004's Connect popup). */
export type ConnectionSignInContext = {
  /** The upstream's authorization endpoint: the login POST's redirect chain ends there (the page's `form-action`). */
  readonly authorizeUrl: string;
};

/**
 * The sign-in context of the authorization-code integration `integrationId`, or null when there is none. Read before
 * anyone is signed in, so it tells nothing but where the popup is about to go.
 */
export async function loadConnectionSignInContext(
  em: EntityManager,
  integrationId: string,
): Promise<ConnectionSignInContext | null> {
  if (!isUuid(integrationId)) return null;
  const integration = await em.findOne(
    IntegrationCredential,
    { id: integrationId, grantType: "authorization_code" },
    { fields: ["authorizeUrl"] },
  );
  return integration?.authorizeUrl ? { authorizeUrl: integration.authorizeUrl } : null;
}
