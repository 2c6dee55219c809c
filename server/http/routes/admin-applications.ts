import type { Context, Hono } from "hono";
import { definedFields } from "../../defined-fields.ts";
import { createApplication } from "../../services/applications/create-application.ts";
import { deleteApplication } from "../../services/applications/delete-application.ts";
import { listApplicationViews, readApplicationView } from "../../services/applications/read-application-views.ts";
import { replaceApplication } from "../../services/applications/replace-application.ts";
import { rotateClientSecret } from "../../services/client-secrets/rotate-client-secret.ts";
import {
  AdminResponse,
  adminError,
  adminHandler,
  adminJson,
  authenticateAdmin,
  param,
  readJsonBody,
  readQuery,
} from "../admin-api/admin-request.ts";
import { CreateApplicationSchema, PageQuerySchema, UpdateApplicationSchema } from "../admin-api/admin-schemas.ts";
import { applicationJson } from "../admin-api/admin-views.ts";
import { ensureOwnApplication } from "../admin-api/ownership.ts";
import type { HttpDeps } from "../deps.ts";

/**
 * The REST admin API's applications (seed 003): list, create, read, replace, delete, and regenerate the secret. A
 * thin face over the services the GraphQL mutations use; the organization is the credential's.
 */
export function registerAdminApplicationRoutes(router: Hono, deps: HttpDeps): void {
  const em = () => deps.orm.em.fork();
  const view = async (c: Context, organizationId: string, id: string) => {
    const app = await readApplicationView(em(), organizationId, id);
    if (!app) throw new AdminResponse(adminError(c, 404, "not_found", "Application not found"));
    return app;
  };

  router.get(
    "/api/applications",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:read");
      const { limit, offset } = readQuery(c, PageQuerySchema);
      const page = await listApplicationViews(em(), { organizationId: caller.organizationId, limit, offset });
      return adminJson(c, { data: page.items.map(applicationJson), total: page.total, limit, offset });
    }),
  );

  router.post(
    "/api/applications",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:write");
      const body = await readJsonBody(c, CreateApplicationSchema);
      const { application, clientSecret } = await createApplication(
        em(),
        {
          ...definedFields({ ...body, description: body.description ?? undefined }),
          name: body.name,
          type: body.type,
          organizationId: caller.organizationId,
          createdById: caller.userId,
          actor: caller.actor,
        } as Parameters<typeof createApplication>[1],
        new Date(),
      );
      const created = await view(c, caller.organizationId, application.id);
      return adminJson(c, { ...applicationJson(created), clientSecret: clientSecret ?? null }, 201);
    }),
  );

  router.get(
    "/api/applications/:appId",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:read");
      await ensureOwnApplication(c, deps, caller, param(c, "appId"));
      return adminJson(c, applicationJson(await view(c, caller.organizationId, param(c, "appId"))));
    }),
  );

  router.put(
    "/api/applications/:appId",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:write");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      const { redirectUris, isActive, ...changes } = await readJsonBody(c, UpdateApplicationSchema);
      await replaceApplication(
        em(),
        {
          applicationId,
          organizationId: caller.organizationId,
          actor: caller.actor,
          changes: definedFields(changes),
          ...definedFields({ redirectUris, isActive }),
        },
        new Date(),
      );
      return adminJson(c, applicationJson(await view(c, caller.organizationId, applicationId)));
    }),
  );

  router.delete(
    "/api/applications/:appId",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:write");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      await deleteApplication(
        em(),
        { applicationId, organizationId: caller.organizationId, actor: caller.actor },
        new Date(),
      );
      return c.body(null, 204);
    }),
  );

  // The compromise case: a new secret, and every previous one stops working at once (overlap 0).
  router.post(
    "/api/applications/:appId/regenerate-secret",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:write");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      const now = new Date();
      const { plaintext } = await rotateClientSecret(
        em(),
        {
          applicationId,
          organizationId: caller.organizationId,
          overlapSeconds: 0,
          name: `Regenerated ${now.toISOString()}`,
          createdById: caller.userId,
          actor: caller.actor,
        },
        now,
      );
      const app = await view(c, caller.organizationId, applicationId);
      return adminJson(c, { ...applicationJson(app), clientSecret: plaintext });
    }),
  );
}
