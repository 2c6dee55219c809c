import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, RedirectUri } from "../../db/entities/index.ts";
import type { AuthorizeClient } from "../../oauth/authorize-request.ts";
import { type ClientRecord, toClientRecord } from "./client-record.ts";

export type AppBranding = {
  readonly name: string;
  readonly logoUrl: string | null;
  readonly primaryColor: string | null;
  readonly secondaryColor: string | null;
  readonly homepageUrl: string | null;
  readonly privacyPolicyUrl: string | null;
  readonly termsOfServiceUrl: string | null;
};

/** What the login, consent and connections pages show of an app. */
export function toAppBranding(app: Application): AppBranding {
  return {
    name: app.name,
    logoUrl: app.logoUrl ?? null,
    primaryColor: app.primaryColor ?? null,
    secondaryColor: app.secondaryColor ?? null,
    homepageUrl: app.homepageUrl ?? null,
    privacyPolicyUrl: app.privacyPolicyUrl ?? null,
    termsOfServiceUrl: app.termsOfServiceUrl ?? null,
  };
}

export type LoadedAuthorizeClient = {
  readonly client: AuthorizeClient;
  readonly record: ClientRecord;
  readonly branding: AppBranding;
};

/** Loads what an authorization request is checked against: the app, its redirect URIs and its branding. */
export async function loadAuthorizeClient(
  em: EntityManager,
  clientId: string | undefined,
): Promise<LoadedAuthorizeClient | null> {
  // NUL cannot be in PostgreSQL text: such an id names no client (querying with it would be a 500).
  if (!clientId || clientId.length > 200 || clientId.includes("\0")) return null;
  const app = await em.findOne(Application, { clientId });
  if (!app) return null;
  const uris = await em.find(RedirectUri, { application: app.id }, { fields: ["uri"] });
  const record = toClientRecord(app);
  return {
    record,
    client: {
      clientId: app.clientId,
      type: app.type,
      isActive: app.isActive,
      redirectUris: uris.map((row) => row.uri),
      allowedScopes: app.allowedScopes,
      grantTypes: app.grantTypes,
    },
    branding: toAppBranding(app),
  };
}
