import type { EntityManager } from "@mikro-orm/postgresql";
import { Grant } from "../../db/entities/index.ts";
import type { AuthorizeRequest } from "../../oauth/authorize-request.ts";
import { needsConsent } from "../../oauth/consent.ts";
import { notRevokedByApplication } from "../grants/grants-revoked-before.ts";

/**
 * An active grant of this user to this app that already covers the request, so the user is not asked again
 * (unless prompt=consent). Bot installs always ask: they act on a workspace the admin picks each time.
 */
export async function findReusableGrant(
  em: EntityManager,
  input: { userId: string; applicationId: string; request: AuthorizeRequest },
): Promise<{ id: string; organizationId: string | null } | null> {
  if (input.request.bot || input.request.prompt === "consent") return null;
  const grants = await em.find(
    Grant,
    {
      user: input.userId,
      application: input.applicationId,
      revokedAt: null,
      ...(await notRevokedByApplication(em, input.applicationId)),
    },
    { orderBy: { updatedAt: "desc" } },
  );
  const covering = grants.find(
    (grant) =>
      !needsConsent({
        grantedScopes: grant.scopes,
        requestedScopes: input.request.scopes,
        prompt: input.request.prompt,
      }),
  );
  return covering ? { id: covering.id, organizationId: covering.organization?.id ?? null } : null;
}
