import { Webhook } from "../../db/entities/index.ts";
import { type Row, readRows } from "../../db/read-rows.ts";
import { WEBHOOK_EVENT_TYPES } from "../../services/webhooks/event-types.ts";
import { builder } from "../builder.ts";
import { filterRowId } from "../global-id.ts";
import { loadOwnedRows } from "../loaders.ts";
import { paginate } from "../pagination.ts";
import { ApplicationNode } from "./application.ts";
import { IntegrationNode } from "./integration.ts";

/** A webhook as the control plane reads it (mutations answer its id; the node loads the row). */
export type WebhookRow = Row<Webhook>;

/**
 * A webhook of the caller's organization. Its signing secret is never readable: it shows once, in the payload of
 * the mutation that minted it.
 */
export const WebhookNode = builder.loadableNode("Webhook", {
  description: "A Standard Webhooks endpoint that receives the organization's (or one app's) events.",
  id: { resolve: (webhook: WebhookRow) => webhook.id, description: "The webhook's global id." },
  load: (ids: string[], context) => loadOwnedRows(Webhook, ids, context),
  authScopes: { apiKeyScope: "webhooks:write" },
  fields: (t) => ({
    url: t.exposeString("url", {
      description: "Where deliveries are POSTed: https (http on localhost in development).",
    }),
    description: t.string({
      nullable: true,
      description: "What the endpoint is for.",
      resolve: (webhook) => webhook.description ?? null,
    }),
    events: t.exposeStringList("events", {
      description: "The event types it receives; `*` means all of them.",
    }),
    active: t.exposeBoolean("active", { description: "Whether events are delivered to it." }),
    disabledAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When delivery stopped after repeated failures; null while it has not.",
      resolve: (webhook) => webhook.disabledAt ?? null,
    }),
    previousSecretExpiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "After a secret rotation, until when the previous secret also signs deliveries; null otherwise.",
      resolve: (webhook) => webhook.previousSecretExpiresAt ?? null,
    }),
    application: t.field({
      type: ApplicationNode,
      nullable: true,
      description: "The app whose events it receives; null for an organization-wide webhook.",
      resolve: (webhook) => webhook.application,
    }),
    authIntegration: t.field({
      type: IntegrationNode,
      nullable: true,
      description:
        "The client_credentials or password integration whose access token each delivery carries as " +
        "`Authorization: Bearer`, beside the signature; null when deliveries are only signed.",
      resolve: (webhook) => webhook.authIntegration,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was registered." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

/** The filter of one `webhooks` page, kept on the connection so totalCount counts the same rows. */
type Filtered = { readonly countWhere: Record<string, unknown> };

builder.queryFields((t) => ({
  webhooks: t.connection(
    {
      type: WebhookNode,
      description: "The organization's webhooks, oldest first: organization-wide ones and those of its apps.",
      authScopes: { apiKeyScope: "webhooks:write" },
      args: {
        applicationId: t.arg.globalID({
          required: false,
          description: "Only the webhooks of this app (organization-wide ones are left out).",
        }),
      },
      resolve: async (_root, args, context) => {
        const filter: Record<string, unknown> = { organization: context.principal.organizationId };
        if (args.applicationId) filter.application = filterRowId(args.applicationId, "Application");
        const connection = await paginate(args, ({ where, orderBy, limit }) =>
          readRows(context.em, Webhook, { ...filter, ...where }, { orderBy: orderBy as never, limit }),
        );
        return Object.assign(connection, { countWhere: filter } satisfies Filtered);
      },
    },
    {
      description: "A page of webhooks.",
      edgesField: { description: "The webhooks of this page, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "Webhooks matching the filter, across all pages.",
          resolve: (connection, _args, context) =>
            context.em.count(Webhook, (connection as unknown as Filtered).countWhere),
        }),
      }),
    },
    { description: "A webhook and its cursor.", nodeField: { description: "The webhook." } },
  ),
  webhookEventTypes: t.stringList({
    description: "The event types a webhook can subscribe to (besides `*`, all of them).",
    authScopes: { apiKeyScope: "webhooks:write" },
    resolve: () => [...WEBHOOK_EVENT_TYPES],
  }),
}));
