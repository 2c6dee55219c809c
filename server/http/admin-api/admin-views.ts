import { redirectUriAdvice } from "../../oauth/redirect-uri.ts";
import type { ApplicationView, ProviderView, WebhookView } from "../../services/applications/read-application-views.ts";
import { timestamps } from "./admin-request.ts";

/** The JSON of the admin API's resources, as `admin-schemas.ts` describes them. */
export function providerJson(provider: ProviderView) {
  return { ...provider, createdAt: provider.createdAt.toISOString(), updatedAt: provider.updatedAt.toISOString() };
}

export function applicationJson(app: ApplicationView) {
  const { organizationId: _organization, ...fields } = app;
  return { ...fields, providers: app.providers.map(providerJson), warnings: warningsOf(app), ...timestamps(app) };
}

/** Advice on what was saved but could be safer (a single-word private-use redirect scheme), one sentence each. */
function warningsOf(app: ApplicationView): string[] {
  return app.redirectUris.flatMap((uri) => {
    const advice = redirectUriAdvice(uri);
    return advice === null ? [] : [`redirect URI "${uri}": ${advice}`];
  });
}

export function webhookJson(webhook: WebhookView) {
  return { ...webhook, ...timestamps(webhook) };
}
