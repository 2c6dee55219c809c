import { type DisconnectedConnection, disconnectConnection } from "../../services/connections/disconnect-connection.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { IntegrationConnectionNode } from "../types/connection.ts";

const UpstreamRevocationEnum = builder.enumType("UpstreamRevocation", {
  description: "What became of a disconnected connection's tokens at the upstream (RFC 7009).",
  values: {
    REVOKED: { value: "revoked", description: "The upstream revoked them." },
    FAILED: {
      value: "failed",
      description: "The upstream refused or did not answer; Latch forgot the tokens anyway.",
    },
    NOT_SUPPORTED: {
      value: "not_supported",
      description: "The integration has no revocation URL, or no tokens were held; Latch forgot them.",
    },
  } as const,
});

const DisconnectPayload = builder.objectRef<DisconnectedConnection>("DisconnectPayload").implement({
  description: "The connection is revoked: its tokens are gone from Latch, and from the upstream where it allows.",
  fields: (t) => ({
    connection: t.field({
      type: IntegrationConnectionNode,
      description: "The connection, now REVOKED.",
      resolve: (p) => p.connectionId,
    }),
    upstreamRevocation: t.field({
      type: UpstreamRevocationEnum,
      description: "Whether the upstream revoked the tokens too.",
      resolve: (p) => p.upstreamRevocation,
    }),
  }),
});

builder.mutationFields((t) => ({
  disconnect: t.field({
    type: DisconnectPayload,
    description:
      "Disconnects a connection: revokes its tokens upstream when the integration has a revocation URL, then drops " +
      "them. Disconnecting a revoked connection changes nothing.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: { connectionId: t.arg.globalID({ required: true, description: "The connection." }) },
    resolve: (_root, args, context) =>
      disconnectConnection(
        context.em,
        context.keyring,
        context.upstreamNetwork,
        {
          connectionId: rowId(args.connectionId, "IntegrationConnection"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
        { logger: context.logger },
      ),
  }),
}));
