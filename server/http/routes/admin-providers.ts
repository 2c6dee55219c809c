import type { Hono } from "hono";
import { listProviderViews, providerViewOf } from "../../services/applications/read-application-views.ts";
import { createIdentityProvider } from "../../services/identity-providers/create-identity-provider.ts";
import { deleteIdentityProvider } from "../../services/identity-providers/delete-identity-provider.ts";
import { adminHandler, adminJson, authenticateAdmin, param, readJsonBody } from "../admin-api/admin-request.ts";
import { CreateProviderSchema } from "../admin-api/admin-schemas.ts";
import { providerJson } from "../admin-api/admin-views.ts";
import { ensureOwnApplication, ensureOwnChild } from "../admin-api/ownership.ts";
import type { HttpDeps } from "../deps.ts";

/** The REST admin API's identity providers of an app (seed 003), over the services GraphQL uses. */
export function registerAdminProviderRoutes(router: Hono, deps: HttpDeps): void {
  const em = () => deps.orm.em.fork();

  router.get(
    "/api/applications/:appId/providers",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:read");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      const providers = await listProviderViews(em(), { organizationId: caller.organizationId, applicationId });
      return adminJson(c, { data: providers.map(providerJson) });
    }),
  );

  router.post(
    "/api/applications/:appId/providers",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:write");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      const body = await readJsonBody(c, CreateProviderSchema);
      const provider = await createIdentityProvider(
        em(),
        deps.keyring,
        {
          applicationId,
          organizationId: caller.organizationId,
          kind: body.type,
          clientId: body.clientId,
          clientSecret: body.clientSecret,
          displayName: body.displayName ?? null,
          issuer: body.issuer ?? null,
          scopes: body.scopes ?? null,
          enabled: body.isEnabled ?? true,
          urlPolicy: { production: deps.config.production },
          actor: caller.actor,
        },
        new Date(),
      );
      return adminJson(c, providerJson(providerViewOf(provider)), 201);
    }),
  );

  router.delete(
    "/api/applications/:appId/providers/:providerId",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:write");
      const applicationId = param(c, "appId");
      const identityProviderId = param(c, "providerId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      await ensureOwnChild(c, deps, caller, { kind: "provider", id: identityProviderId, applicationId });
      await deleteIdentityProvider(
        em(),
        { identityProviderId, organizationId: caller.organizationId, actor: caller.actor },
        new Date(),
      );
      return c.body(null, 204);
    }),
  );
}
