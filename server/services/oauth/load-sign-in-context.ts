import type { EntityManager } from "@mikro-orm/postgresql";
import { providerLabel } from "../../connections/login/login-provider-kinds.ts";
import { Application, IdentityProvider, RedirectUri } from "../../db/entities/index.ts";
import { type AppBranding, toAppBranding } from "./load-authorize-client.ts";

/** What the sign-in pages show of the app whose authorization request a person is signing in to continue. */
export type SignInContext = {
  readonly branding: AppBranding;
  /** Its registered redirect URIs: the sign-in's redirect chain may end at one (the page's `form-action`). */
  readonly redirectUris: readonly string[];
  /** Its enabled identity providers, for the "Continue with …" buttons. */
  readonly providers: readonly { readonly id: string; readonly label: string }[];
};

/** The sign-in context of the active app with `clientId`, or null when there is none. */
export async function loadSignInContext(em: EntityManager, clientId: string): Promise<SignInContext | null> {
  const app = await em.findOne(Application, { clientId, isActive: true });
  if (!app) return null;
  const redirectUris = await em.find(RedirectUri, { application: app }, { fields: ["uri"], limit: 100 });
  const providers = await em.find(
    IdentityProvider,
    { application: app, enabled: true },
    { fields: ["kind", "displayName", "issuer"], orderBy: { createdAt: "asc" }, limit: 20 },
  );
  return {
    branding: toAppBranding(app),
    redirectUris: redirectUris.map(({ uri }) => uri),
    providers: providers.map((provider) => ({ id: provider.id, label: providerLabel(provider) })),
  };
}
