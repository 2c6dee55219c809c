import type { ApplicationView, ProviderView, WebhookView } from "../../services/applications/read-application-views.ts";
import { timestamps } from "./admin-request.ts";

/** The JSON of the admin API's resources, as `admin-schemas.ts` describes them. */
export function providerJson(provider: ProviderView) {
  return { ...provider, createdAt: provider.createdAt.toISOString(), updatedAt: provider.updatedAt.toISOString() };
}

export function applicationJson(app: ApplicationView) {
  const { organizationId: _organization, ...fields } = app;
  return { ...fields, providers: app.providers.map(providerJson), ...timestamps(app) };
}

export function webhookJson(webhook: WebhookView) {
  return { ...webhook, ...timestamps(webhook) };
}
