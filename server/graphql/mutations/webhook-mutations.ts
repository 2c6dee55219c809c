import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Webhook } from "../../db/entities/index.ts";
import { ValidationError } from "../../services/errors.ts";
import { createWebhook } from "../../services/webhooks/create-webhook.ts";
import { deleteWebhook } from "../../services/webhooks/delete-webhook.ts";
import { rotateWebhookSecret } from "../../services/webhooks/rotate-webhook-secret.ts";
import { updateWebhook } from "../../services/webhooks/update-webhook.ts";
import { isUuid } from "../../uuid.ts";
import { builder } from "../builder.ts";
import { actorOf, type GraphQLContext } from "../context.ts";
import { rowId } from "../global-id.ts";
import { WebhookNode } from "../types/webhook.ts";

/** An `Integration` global id as a row id; absent stays absent and null stays null (clear it). */
function authIntegrationRowId(value: { typename: string; id: string } | null | undefined): string | null | undefined {
  if (value == null) return value;
  if (value.typename !== "Integration" || !isUuid(value.id)) {
    throw new ValidationError("authIntegrationId", "authIntegrationId must be the id of an Integration");
  }
  return value.id;
}

/** Plain-http receivers on loopback are for development only. */
function loopbackHttpAllowed(context: GraphQLContext): boolean {
  return !context.production;
}

const CreateWebhookInput = builder.inputType("CreateWebhookInput", {
  description: "A new webhook endpoint.",
  fields: (t) => ({
    url: t.string({
      required: true,
      description: "https URL deliveries are POSTed to (http on localhost in development).",
    }),
    events: t.stringList({
      required: true,
      description: 'Event types to receive (see `webhookEventTypes`), or ["*"] for all.',
    }),
    description: t.string({ required: false, description: "What the endpoint is for, at most 500 characters." }),
    applicationId: t.globalID({
      required: false,
      description: "Receive only this app's events; omit for every event of the organization.",
    }),
    active: t.boolean({ required: false, description: "Deliver events to it (default true)." }),
    authIntegrationId: t.globalID({
      required: false,
      description:
        "A client_credentials or password integration of the organization: each delivery then carries its access " +
        "token as `Authorization: Bearer`, beside the signature.",
    }),
  }),
});

const UpdateWebhookInput = builder.inputType("UpdateWebhookInput", {
  description: "Changes to a webhook; omitted fields stay as they are. Its app cannot change.",
  fields: (t) => ({
    id: t.globalID({ required: true, description: "The webhook." }),
    url: t.string({ required: false, description: "https URL deliveries are POSTed to." }),
    events: t.stringList({ required: false, description: 'Event types to receive, or ["*"] for all.' }),
    description: t.string({ required: false, description: "What the endpoint is for; null clears it." }),
    active: t.boolean({
      required: false,
      description: "Deliver events to it; re-activating resets its failure count.",
    }),
    authIntegrationId: t.globalID({
      required: false,
      description:
        "A client_credentials or password integration whose access token authenticates deliveries; null stops " +
        "sending one.",
    }),
  }),
});

type Minted = { webhook: Webhook; secret: string };

const CreateWebhookPayload = builder.objectRef<Minted>("CreateWebhookPayload").implement({
  description: "The new webhook and, once, its signing secret.",
  fields: (t) => ({
    webhook: t.field({ type: WebhookNode, description: "The webhook.", resolve: (p) => p.webhook.id }),
    secret: t.exposeString("secret", {
      description: "The `whsec_` signing secret (Standard Webhooks), shown only in this response: store it now.",
    }),
  }),
});

const RotateWebhookSecretPayload = builder
  .objectRef<Minted & { previousSecretExpiresAt: Date }>("RotateWebhookSecretPayload")
  .implement({
    description: "The webhook's new signing secret, once, and until when the previous one still signs.",
    fields: (t) => ({
      webhook: t.field({ type: WebhookNode, description: "The webhook.", resolve: (p) => p.webhook.id }),
      secret: t.exposeString("secret", {
        description: "The new `whsec_` signing secret, shown only in this response: store it now.",
      }),
      previousSecretExpiresAt: t.expose("previousSecretExpiresAt", {
        type: "DateTime",
        description: "Until then deliveries carry signatures of both secrets; afterwards only the new one.",
      }),
    }),
  });

const WebhookPayload = builder.objectRef<{ webhook: Webhook }>("WebhookPayload").implement({
  description: "The webhook after the change.",
  fields: (t) => ({
    webhook: t.field({ type: WebhookNode, description: "The webhook.", resolve: (p) => p.webhook.id }),
  }),
});

const DeleteWebhookPayload = builder.objectRef<{ id: string }>("DeleteWebhookPayload").implement({
  description: "The webhook is gone, with its delivery log.",
  fields: (t) => ({ deletedWebhookId: t.exposeID("id", { description: "The global id of the deleted webhook." }) }),
});

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    description: "Registers a webhook for the organization or one app; its signing secret is shown once.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "webhooks:write" },
    args: { input: t.arg({ type: CreateWebhookInput, required: true, description: "The webhook." }) },
    resolve: (_root, { input }, context) =>
      createWebhook(
        context.em,
        context.keyring,
        {
          organizationId: context.principal.organizationId,
          applicationId: input.applicationId ? rowId(input.applicationId, "Application") : null,
          url: input.url,
          events: input.events,
          description: input.description ?? null,
          active: input.active ?? null,
          authIntegrationId: authIntegrationRowId(input.authIntegrationId) ?? null,
          allowLoopbackHttp: loopbackHttpAllowed(context),
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  updateWebhook: t.field({
    type: WebhookPayload,
    description: "Changes a webhook's URL, events, description or active state in place.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "webhooks:write" },
    args: { input: t.arg({ type: UpdateWebhookInput, required: true, description: "The changes." }) },
    resolve: async (_root, { input }, context) => {
      const webhook = await updateWebhook(
        context.em,
        {
          webhookId: rowId(input.id, "Webhook"),
          organizationId: context.principal.organizationId,
          changes: {
            ...(input.url != null ? { url: input.url } : {}),
            ...(input.events != null ? { events: input.events } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(input.active != null ? { active: input.active } : {}),
            ...(input.authIntegrationId !== undefined
              ? { authIntegrationId: authIntegrationRowId(input.authIntegrationId) }
              : {}),
          },
          allowLoopbackHttp: loopbackHttpAllowed(context),
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { webhook };
    },
  }),
  rotateWebhookSecret: t.field({
    type: RotateWebhookSecretPayload,
    description:
      "Mints a new signing secret, shown once; the previous one keeps signing deliveries for 24 hours so receivers can switch over.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "webhooks:write" },
    args: { id: t.arg.globalID({ required: true, description: "The webhook." }) },
    resolve: (_root, args, context) =>
      rotateWebhookSecret(
        context.em,
        context.keyring,
        {
          webhookId: rowId(args.id, "Webhook"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  deleteWebhook: t.field({
    type: DeleteWebhookPayload,
    description: "Deletes a webhook and its delivery log; nothing more is sent to it.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "webhooks:write" },
    args: { id: t.arg.globalID({ required: true, description: "The webhook." }) },
    resolve: async (_root, args, context) => {
      const webhookId = rowId(args.id, "Webhook");
      await deleteWebhook(
        context.em,
        { webhookId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("Webhook", webhookId) };
    },
  }),
}));
