import type { ClientSecret } from "../../db/entities/index.ts";
import { createClientSecret } from "../../services/client-secrets/create-client-secret.ts";
import { revokeClientSecret } from "../../services/client-secrets/revoke-client-secret.ts";
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  rotateClientSecret,
} from "../../services/client-secrets/rotate-client-secret.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { ClientSecretNode } from "../types/client-secret.ts";

type Minted = { clientSecret: ClientSecret; plaintext: string; previousSecretsExpireAt?: Date | null };

const plaintext = {
  description: "The plaintext secret, shown only in this response: store it now, it cannot be read again.",
  resolve: (p: Minted) => p.plaintext,
};

const CreateClientSecretPayload = builder.objectRef<Minted>("CreateClientSecretPayload").implement({
  description: "The new secret and, once, its plaintext.",
  fields: (t) => ({
    clientSecret: t.field({
      type: ClientSecretNode,
      description: "The new secret.",
      resolve: (p) => p.clientSecret.id,
    }),
    secret: t.string(plaintext),
  }),
});

const RotateClientSecretPayload = builder.objectRef<Minted>("RotateClientSecretPayload").implement({
  description: "The new secret, once its plaintext, and when the secrets it replaces stop working.",
  fields: (t) => ({
    clientSecret: t.field({
      type: ClientSecretNode,
      description: "The new secret.",
      resolve: (p) => p.clientSecret.id,
    }),
    secret: t.string(plaintext),
    previousSecretsExpireAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the last of the previously active secrets stops working; null when there was none.",
      resolve: (p) => p.previousSecretsExpireAt ?? null,
    }),
  }),
});

const RevokeClientSecretPayload = builder
  .objectRef<{ clientSecret: ClientSecret }>("RevokeClientSecretPayload")
  .implement({
    description: "The secret after revocation: revoked, or still active until its new `expiresAt`.",
    fields: (t) => ({
      clientSecret: t.field({
        type: ClientSecretNode,
        description: "The revoked secret.",
        resolve: (p) => p.clientSecret.id,
      }),
    }),
  });

builder.mutationFields((t) => ({
  createClientSecret: t.field({
    type: CreateClientSecretPayload,
    description: "Adds a secret to a confidential app; the ones it has keep working. The plaintext is shown once.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      applicationId: t.arg.globalID({ required: true, description: "The confidential app." }),
      name: t.arg.string({ required: true, description: "A label, 1 to 100 characters." }),
      expiresAt: t.arg({ type: "DateTime", required: false, description: "When it stops working; in the future." }),
    },
    resolve: async (_root, args, context) =>
      createClientSecret(
        context.em,
        {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          name: args.name,
          expiresAt: args.expiresAt ?? null,
          createdById: context.principal.userId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  rotateClientSecret: t.field({
    type: RotateClientSecretPayload,
    description:
      "Mints a new secret and lets every active one (or only `clientSecretId`) keep working for `overlapSeconds` (or until its own earlier expiry), so a running deploy is never cut off.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      applicationId: t.arg.globalID({ required: true, description: "The confidential app." }),
      overlapSeconds: t.arg.int({
        required: false,
        defaultValue: DEFAULT_ROTATION_OVERLAP_SECONDS,
        description: "How long the current secrets keep working, 0 to 2592000 seconds (30 days). Default one day.",
      }),
      name: t.arg.string({ required: false, description: "A label for the new secret, 1 to 100 characters." }),
      clientSecretId: t.arg.globalID({
        required: false,
        description:
          "Rotate only this secret of the app (the one a deploy tool manages): the others keep working as they are. One that no longer works is replaced all the same.",
      }),
    },
    resolve: async (_root, args, context) =>
      rotateClientSecret(
        context.em,
        {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          overlapSeconds: args.overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS,
          name: args.name ?? null,
          clientSecretId: args.clientSecretId ? rowId(args.clientSecretId, "ClientSecret") : null,
          createdById: context.principal.userId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  revokeClientSecret: t.field({
    type: RevokeClientSecretPayload,
    description:
      "Revokes a secret, at once or after `overlapSeconds` (its `expiresAt` moves that close, never later). Revoking " +
      "a secret that already stops working by then changes nothing.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      id: t.arg.globalID({ required: true, description: "The client secret." }),
      overlapSeconds: t.arg.int({
        required: false,
        defaultValue: 0,
        description:
          "How long it keeps working first, 0 to 2592000 seconds (30 days). Default 0: refused from this answer on.",
      }),
    },
    resolve: async (_root, args, context) => {
      const clientSecret = await revokeClientSecret(
        context.em,
        {
          clientSecretId: rowId(args.id, "ClientSecret"),
          organizationId: context.principal.organizationId,
          overlapSeconds: args.overlapSeconds ?? 0,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { clientSecret };
    },
  }),
}));
