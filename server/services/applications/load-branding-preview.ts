import type { EntityManager } from "@mikro-orm/postgresql";
import { providerLabel } from "../../connections/login/login-provider-kinds.ts";
import { Application, IdentityProvider, Membership } from "../../db/entities/index.ts";
import { type AppBranding, toAppBranding } from "../oauth/load-authorize-client.ts";
import { describeScopes, type ScopeDescription } from "../scopes/describe-scopes.ts";

/** What the console's branding preview renders the real login and consent pages with. */
export type BrandingPreview = {
  /** The app's stored branding; the preview lays the unsaved values over it. */
  readonly branding: AppBranding;
  /** Its enabled identity providers, as "Continue with …". */
  readonly providers: readonly { readonly id: string; readonly label: string }[];
  /** Whether its organization lets people sign up ("Create account"). */
  readonly signUpOpen: boolean;
  /** Its allowed scopes in the consent page's words. */
  readonly scopes: readonly ScopeDescription[];
};

/**
 * The preview of the app with `clientId` for `userId`, a member of its organization; null when there is no such app
 * or the user is not a member (another organization's app is not found). A disabled app previews too: its branding is
 * still being edited.
 */
export async function loadBrandingPreview(
  em: EntityManager,
  clientId: string,
  userId: string,
): Promise<BrandingPreview | null> {
  if (clientId.length === 0 || clientId.length > 200 || clientId.includes("\0")) return null;
  const app = await em.findOne(Application, { clientId }, { populate: ["organization"] });
  if (!app) return null;
  const member = await em.count(Membership, { user: userId, organization: app.organization.id });
  if (member === 0) return null;
  const providers = await em.find(
    IdentityProvider,
    { application: app, enabled: true },
    { fields: ["kind", "displayName", "issuer"], orderBy: { createdAt: "asc" }, limit: 20 },
  );
  return {
    branding: toAppBranding(app),
    providers: providers.map((provider) => ({ id: provider.id, label: providerLabel(provider) })),
    signUpOpen: app.organization.getEntity().signUpPolicy === "OPEN",
    scopes: await describeScopes(em, app.organization.id, app.allowedScopes),
  };
}
