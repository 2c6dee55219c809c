import type { Hono } from "hono";
import { listWebhookViews, webhookView } from "../../services/applications/read-application-views.ts";
import { createWebhook } from "../../services/webhooks/create-webhook.ts";
import { deleteWebhook } from "../../services/webhooks/delete-webhook.ts";
import { updateWebhook } from "../../services/webhooks/update-webhook.ts";
import {
  adminHandler,
  adminJson,
  authenticateAdmin,
  param,
  readJsonBody,
  readQuery,
} from "../admin-api/admin-request.ts";
import { PageQuerySchema, UpdateWebhookSchema, WebhookInputSchema } from "../admin-api/admin-schemas.ts";
import { webhookJson } from "../admin-api/admin-views.ts";
import { ensureOwnApplication, ensureOwnChild } from "../admin-api/ownership.ts";
import type { HttpDeps } from "../deps.ts";

/** The REST admin API's webhooks of an app (seed 003), over the webhook services GraphQL uses. */
export function registerAdminWebhookRoutes(router: Hono, deps: HttpDeps): void {
  const em = () => deps.orm.em.fork();
  // Receivers on localhost over http only outside production, as in GraphQL.
  const allowLoopbackHttp = !deps.config.production;

  router.get(
    "/api/applications/:appId/webhooks",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "apps:read");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      const { limit, offset } = readQuery(c, PageQuerySchema);
      const page = await listWebhookViews(em(), {
        organizationId: caller.organizationId,
        applicationId,
        limit,
        offset,
      });
      return adminJson(c, { data: page.items.map(webhookJson), total: page.total, limit, offset });
    }),
  );

  router.post(
    "/api/applications/:appId/webhooks",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "webhooks:write");
      const applicationId = param(c, "appId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      const body = await readJsonBody(c, WebhookInputSchema);
      const { webhook, secret } = await createWebhook(
        em(),
        deps.keyring,
        {
          organizationId: caller.organizationId,
          applicationId,
          url: body.url,
          events: body.events,
          description: body.description ?? null,
          active: body.isActive ?? true,
          allowLoopbackHttp,
          actor: caller.actor,
        },
        new Date(),
      );
      return adminJson(c, { ...webhookJson(webhookView(webhook)), secret }, 201);
    }),
  );

  router.put(
    "/api/applications/:appId/webhooks/:webhookId",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "webhooks:write");
      const applicationId = param(c, "appId");
      const webhookId = param(c, "webhookId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      await ensureOwnChild(c, deps, caller, { kind: "webhook", id: webhookId, applicationId });
      const { isActive, ...body } = await readJsonBody(c, UpdateWebhookSchema);
      const changes = Object.fromEntries(
        Object.entries({ ...body, active: isActive }).filter(([, value]) => value !== undefined),
      );
      const webhook = await updateWebhook(
        em(),
        { webhookId, organizationId: caller.organizationId, changes, allowLoopbackHttp, actor: caller.actor },
        new Date(),
      );
      return adminJson(c, webhookJson(webhookView(webhook)));
    }),
  );

  router.delete(
    "/api/applications/:appId/webhooks/:webhookId",
    adminHandler(async (c) => {
      const caller = await authenticateAdmin(c, deps, "webhooks:write");
      const applicationId = param(c, "appId");
      const webhookId = param(c, "webhookId");
      await ensureOwnApplication(c, deps, caller, applicationId);
      await ensureOwnChild(c, deps, caller, { kind: "webhook", id: webhookId, applicationId });
      await deleteWebhook(em(), { webhookId, organizationId: caller.organizationId, actor: caller.actor }, new Date());
      return c.body(null, 204);
    }),
  );
}
