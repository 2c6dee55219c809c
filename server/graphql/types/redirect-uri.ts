import { RedirectUri } from "../../db/entities/index.ts";
import type { Row } from "../../db/read-rows.ts";
import { redirectUriAdvice } from "../../oauth/redirect-uri.ts";
import { builder } from "../builder.ts";
import { loadOwnedRows, loadRowsOfApplications } from "../loaders.ts";
import { ApplicationNode } from "./application.ts";

/** A redirect URI as the control plane reads it (mutations answer its id; the node loads the row). */
export type RedirectUriRow = Row<RedirectUri>;

/** A registered redirect URI; it belongs to an app, so it is visible only to that app's organization. */
export const RedirectUriNode = builder.loadableNode("RedirectUri", {
  description: "A redirect URI an app registered; authorization requests must name one of them exactly.",
  id: { resolve: (row: RedirectUriRow) => row.id },
  load: (ids: string[], context) =>
    loadOwnedRows(RedirectUri, ids, context, { application: { organization: context.principal.organizationId } }),
  authScopes: { apiKeyScope: "apps:read" },
  fields: (t) => ({
    uri: t.exposeString("uri", {
      description: "Compared by exact string match, except the port of http://127.0.0.1 and http://[::1] (RFC 8252).",
    }),
    advice: t.string({
      nullable: true,
      description:
        "Why a safer form exists, or null: set for single-word private-use schemes (myapp://), which any app on the device can claim; authorization requests to them must use PKCE.",
      resolve: (row) => redirectUriAdvice(row.uri),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the URI was registered." }),
    lastUsedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When an authorization request last named it; null if never.",
      resolve: (row) => row.lastUsedAt ?? null,
    }),
    application: t.field({
      type: ApplicationNode,
      description: "The app it belongs to.",
      resolve: (row) => row.application,
    }),
  }),
});

builder.objectFields(ApplicationNode, (t) => ({
  redirectUris: t.loadableList({
    type: RedirectUriNode,
    description: "The app's redirect URIs, oldest first.",
    load: (applicationIds: string[], context) => loadRowsOfApplications(RedirectUri, applicationIds, context),
    resolve: (app) => app.id,
  }),
}));
