import type { EntityManager } from "@mikro-orm/postgresql";
import { IntegrationCredential } from "../../db/entities/index.ts";
import { ValidationError } from "../errors.ts";
import { isServiceGrantType } from "../service-tokens/request-service-token.ts";

/**
 * The service integration whose access token authenticates a webhook's deliveries (Authorization: Bearer, RFC 6750
 * §2.1): one of the organization's integrations with the client_credentials or password grant, since deliveries
 * have no user to connect. Null clears it. Another organization's integration reads as unknown.
 */
export async function checkAuthIntegration(
  tx: EntityManager,
  organizationId: string,
  integrationId: string | null,
): Promise<IntegrationCredential | null> {
  if (integrationId === null) return null;
  const integration = await tx.findOne(IntegrationCredential, { id: integrationId, organization: organizationId });
  if (!integration) {
    throw new ValidationError("authIntegrationId", "authIntegrationId must name an integration of this organization");
  }
  if (!isServiceGrantType(integration.grantType)) {
    throw new ValidationError(
      "authIntegrationId",
      `authIntegrationId names an integration with the ${integration.grantType} grant; a webhook authenticates with a client_credentials or password integration`,
    );
  }
  return integration;
}
