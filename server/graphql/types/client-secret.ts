import { ClientSecret } from "../../db/entities/index.ts";
import type { Row } from "../../db/read-rows.ts";
import { clientSecretStatus } from "../../services/client-secrets/client-secret-status.ts";
import { builder } from "../builder.ts";
import { loadOwnedRows, loadRowsOfApplications } from "../loaders.ts";
import { ApplicationNode } from "./application.ts";

export const ClientSecretStatusEnum = builder.enumType("ClientSecretStatus", {
  description: "Whether a secret authenticates at the token endpoint now.",
  values: {
    ACTIVE: { value: "active", description: "Unrevoked and unexpired: it authenticates." },
    EXPIRED: { value: "expired", description: "Its expiry has passed (after a rotation's overlap, for example)." },
    REVOKED: { value: "revoked", description: "Revoked; it never authenticates again." },
  } as const,
});

/** A client secret as the control plane reads it (mutations answer its id; the node loads the row). */
export type ClientSecretRow = Row<ClientSecret>;

/**
 * A client secret as the control plane shows it: its label, last four characters and lifecycle. Never the hash,
 * and the plaintext only in the payload of the mutation that minted it.
 */
export const ClientSecretNode = builder.loadableNode("ClientSecret", {
  description: "A secret a confidential app authenticates with (RFC 6749 §2.3.1). Only its last four characters show.",
  id: { resolve: (secret: ClientSecretRow) => secret.id },
  load: (ids: string[], context) =>
    loadOwnedRows(ClientSecret, ids, context, { application: { organization: context.principal.organizationId } }),
  authScopes: { apiKeyScope: "apps:read" },
  fields: (t) => ({
    name: t.exposeString("name", { description: "A label, such as the deploy that uses it." }),
    last4: t.exposeString("last4", { description: "The last four characters, to tell secrets apart." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was minted." }),
    expiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it stops working; null if it never expires.",
      resolve: (secret) => secret.expiresAt ?? null,
    }),
    lastUsedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it last authenticated a request (to the minute); null if never.",
      resolve: (secret) => secret.lastUsedAt ?? null,
    }),
    revokedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it was revoked; null if it was not.",
      resolve: (secret) => secret.revokedAt ?? null,
    }),
    status: t.field({
      type: ClientSecretStatusEnum,
      description: "Active, expired or revoked, as of this request.",
      resolve: (secret, _args, context) => clientSecretStatus(secret, context.now()),
    }),
    application: t.field({
      type: ApplicationNode,
      description: "The app it authenticates.",
      resolve: (secret) => secret.application,
    }),
  }),
});

builder.objectFields(ApplicationNode, (t) => ({
  clientSecrets: t.loadableList({
    type: ClientSecretNode,
    description: "The app's client secrets, active or not, oldest first. Public apps have none.",
    load: (applicationIds: string[], context) => loadRowsOfApplications(ClientSecret, applicationIds, context),
    resolve: (app) => app.id,
  }),
}));
