import type { ApiKey } from "../../db/entities/index.ts";
import { API_KEY_SCOPES } from "../../services/api-key-scopes.ts";
import { createApiKey } from "../../services/api-keys/create-api-key.ts";
import { revokeApiKey } from "../../services/api-keys/revoke-api-key.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { ApiKeyNode } from "../types/api-key.ts";

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKey; key: string }>("CreateApiKeyPayload").implement({
  description: "The new API key and, once, the key itself.",
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyNode, description: "The new key.", resolve: (p) => p.apiKey.id }),
    key: t.exposeString("key", {
      description: "The `latch_ak_` key, shown only in this response: store it now, it cannot be read again.",
    }),
  }),
});

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>("RevokeApiKeyPayload").implement({
  description: "The key after revocation.",
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyNode, description: "The revoked key.", resolve: (p) => p.apiKey.id }),
  }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    description: "Mints an API key of the organization; the key is shown once and only its hash is stored.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: {
      name: t.arg.string({ required: true, description: "A label, 1 to 100 characters." }),
      scopes: t.arg.stringList({
        required: true,
        description: `What it may do: ${API_KEY_SCOPES.join(", ")} (admin implies every other scope).`,
      }),
      expiresAt: t.arg({ type: "DateTime", required: false, description: "When it stops working; in the future." }),
    },
    resolve: (_root, args, context) =>
      // A fork of its own: the service flushes the unit of work it is given.
      createApiKey(
        context.em.fork(),
        {
          organizationId: context.principal.organizationId,
          name: args.name,
          scopes: args.scopes,
          expiresAt: args.expiresAt ?? null,
          createdById: context.principal.userId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    description: "Revokes an API key: its next request is refused. Revoking a revoked key changes nothing.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: { id: t.arg.globalID({ required: true, description: "The API key." }) },
    resolve: async (_root, args, context) => {
      const apiKey = await revokeApiKey(
        context.em,
        {
          apiKeyId: rowId(args.id, "ApiKey"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { apiKey };
    },
  }),
}));
