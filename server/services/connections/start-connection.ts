import type { EntityManager } from "@mikro-orm/postgresql";
import { upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { integrationClient } from "../../connections/integration-client.ts";
import { UpstreamError } from "../../connections/upstream-error.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { IntegrationCredential, Membership } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { startUpstreamFlow } from "../upstream-flows/start-upstream-flow.ts";
import { resolveOpenerOrigin } from "./opener-origin.ts";

export type StartConnectionInput = {
  readonly integrationId: string;
  /** The signed-in user connecting; must be a member of the integration's organization. */
  readonly userId: string;
  /** The popup opener's origin as the page asked (`?origin=`); PUBLIC_URL's origin when absent. */
  readonly requestedOrigin: string | undefined;
  /** The browser's binding value, see `server/http/upstream-binding-cookie.ts`. */
  readonly browserBinding: string;
  readonly publicUrl: string;
};

export type StartedConnection = {
  /** Where the popup goes next: the integration's authorization endpoint with the request's parameters. */
  readonly authorizationUrl: URL;
  readonly openerOrigin: string;
};

/**
 * The "Connect" step of a user connection: an authorization code request with PKCE (RFC 6749 §4.1.1, RFC 7636 §4.3)
 * to the integration's authorize URL, its state and verifier kept in a pending flow that `/oauth/callback` consumes.
 *
 * Throws NotFoundError when the integration does not exist or the user is not a member of its organization (the
 * two are not told apart), ValidationError (`origin`) for an opener origin the organization never registered, and
 * UpstreamError `upstream_misconfigured` for an integration that cannot run this flow.
 */
export async function startConnection(
  em: EntityManager,
  keyring: MasterKeyring,
  input: StartConnectionInput,
  now: Date,
): Promise<StartedConnection> {
  const integration = isUuid(input.integrationId)
    ? await em.findOne(IntegrationCredential, { id: input.integrationId })
    : null;
  const member =
    integration && (await em.count(Membership, { user: input.userId, organization: integration.organization.id })) > 0;
  if (!integration || !member) throw new NotFoundError("integration");
  if (integration.grantType !== "authorization_code") {
    throw new UpstreamError(
      "upstream_misconfigured",
      `integration ${integration.domain} uses the ${integration.grantType} grant, not authorization_code`,
    );
  }
  const upstream = integrationClient(integration);
  if (!upstream.authorizeUrl) {
    throw new UpstreamError("upstream_misconfigured", `integration ${integration.domain} has no authorize URL`);
  }
  const openerOrigin = await resolveOpenerOrigin(em, {
    requested: input.requestedOrigin,
    organizationId: integration.organization.id,
    publicUrl: input.publicUrl,
  });
  if (!openerOrigin) {
    throw new ValidationError("origin", "origin must be Latch's origin or that of a registered redirect URI");
  }
  const flow = await startUpstreamFlow(
    em,
    keyring,
    {
      purpose: "connection",
      integrationId: integration.id,
      userId: input.userId,
      returnTo: openerOrigin,
      browserBinding: input.browserBinding,
      withNonce: false,
    },
    now,
  );
  const authorizationUrl = new URL(upstream.authorizeUrl);
  const params = authorizationUrl.searchParams;
  params.set("client_id", integration.clientId);
  params.set("redirect_uri", upstreamCallbackUrl(input.publicUrl));
  params.set("response_type", "code");
  if (integration.scopes.length > 0) params.set("scope", integration.scopes.join(" "));
  params.set("state", flow.state);
  params.set("code_challenge", flow.codeChallenge);
  params.set("code_challenge_method", "S256");
  return { authorizationUrl, openerOrigin };
}
