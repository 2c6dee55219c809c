import type { EntityManager } from "@mikro-orm/postgresql";
import { Grant } from "../../db/entities/index.ts";
import { type AppBranding, toAppBranding } from "../oauth/load-authorize-client.ts";
import { describeScopes, type ScopeDescription } from "../scopes/describe-scopes.ts";
import { grantRevocation } from "./grant-revocation.ts";

export type UserConnection = {
  readonly grantId: string;
  readonly branding: AppBranding;
  /** What the user allowed, in the words the consent page used. */
  readonly scopes: readonly ScopeDescription[];
  readonly workspaceName: string | null;
  readonly since: Date;
};

/** The apps a user authorized and has not disconnected, newest first. */
export async function listUserConnections(em: EntityManager, userId: string): Promise<UserConnection[]> {
  const grants = await em.find(
    Grant,
    { user: userId, revokedAt: null, application: { isActive: true } },
    { populate: ["application", "organization"], orderBy: { createdAt: "desc" } },
  );
  // An app-wide revocation the background job has not caught up with yet still disconnects.
  const current = grants.filter(
    (grant) => grantRevocation(grant, grant.application.getEntity().grantsRevokedBefore ?? null) === null,
  );
  return Promise.all(
    current.map(async (grant) => {
      const app = grant.application.getEntity();
      return {
        grantId: grant.id,
        branding: toAppBranding(app),
        scopes: await describeScopes(em, app.organization.id, grant.scopes),
        workspaceName: grant.organization?.getEntity().name ?? null,
        since: grant.createdAt,
      };
    }),
  );
}
