import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, IdentityProvider, RedirectUri, Webhook } from "../../db/entities/index.ts";
import { readRows } from "../../db/read-rows.ts";
import { isUuid } from "../../uuid.ts";

/** An identity provider as the REST admin API shows it: never its secret, only the secret's last four characters. */
export type ProviderView = {
  readonly id: string;
  readonly type: string;
  readonly displayName: string | null;
  readonly clientId: string;
  readonly clientSecretLast4: string;
  readonly issuer: string | null;
  readonly scopes: readonly string[];
  readonly isEnabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

/** An app with its redirect URIs and providers, as plain data (no secret). */
export type ApplicationView = {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string | null;
  readonly clientId: string;
  readonly type: "confidential" | "public";
  readonly redirectUris: readonly string[];
  readonly allowedScopes: readonly string[];
  readonly grantTypes: readonly string[];
  readonly accessTokenFormat: "jwt" | "opaque";
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly isActive: boolean;
  readonly providers: readonly ProviderView[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

export type WebhookView = {
  readonly id: string;
  readonly applicationId: string | null;
  readonly url: string;
  readonly description: string | null;
  readonly events: readonly string[];
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

/**
 * Which organization owns the app with this id, or null when there is none (a malformed id included): lets a face
 * tell "another organization's app" (403) from "no such app" (404).
 */
export async function applicationOwner(em: EntityManager, applicationId: string): Promise<string | null> {
  if (!isUuid(applicationId)) return null;
  const [row] = await readRows(em, Application, { id: applicationId });
  return row?.organization ?? null;
}

/** Which organization and app a webhook or a provider (by id) belongs to, or null when none has it. */
export async function childOwner(
  em: EntityManager,
  kind: "webhook" | "provider",
  id: string,
): Promise<{ organizationId: string; applicationId: string | null } | null> {
  if (!isUuid(id)) return null;
  if (kind === "webhook") {
    const [webhook] = await readRows(em, Webhook, { id });
    return webhook ? { organizationId: webhook.organization, applicationId: webhook.application } : null;
  }
  const [provider] = await readRows(em, IdentityProvider, { id });
  const organizationId = provider ? await applicationOwner(em, provider.application) : null;
  return organizationId ? { organizationId, applicationId: provider!.application } : null;
}

function providerView(row: Awaited<ReturnType<typeof readRows<IdentityProvider>>>[number]): ProviderView {
  return {
    id: row.id,
    type: row.kind,
    displayName: row.displayName ?? null,
    clientId: row.clientId,
    clientSecretLast4: row.clientSecretLast4,
    issuer: row.issuer ?? null,
    scopes: row.scopes,
    isEnabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A page of an organization's apps, oldest first, with their redirect URIs and providers; plus the total count. */
export async function listApplicationViews(
  em: EntityManager,
  input: { organizationId: string; limit: number; offset: number; applicationId?: string },
): Promise<{ items: ApplicationView[]; total: number }> {
  const where = { organization: input.organizationId, ...(input.applicationId ? { id: input.applicationId } : {}) };
  const total = await em.count(Application, where);
  const apps = await em
    .createQueryBuilder(Application)
    .select("*")
    .where(where)
    .orderBy({ createdAt: "asc", id: "asc" })
    .limit(input.limit)
    .offset(input.offset)
    .execute<Awaited<ReturnType<typeof readRows<Application>>>>("all");
  const ids = apps.map((app) => app.id);
  const uris = ids.length
    ? await readRows(em, RedirectUri, { application: { $in: ids } }, { orderBy: { createdAt: "asc", uri: "asc" } })
    : [];
  const providers = ids.length
    ? await readRows(em, IdentityProvider, { application: { $in: ids } }, { orderBy: { createdAt: "asc" } })
    : [];
  const items = apps.map((app) => ({
    id: app.id,
    organizationId: app.organization,
    name: app.name,
    description: app.description ?? null,
    clientId: app.clientId,
    type: app.type,
    redirectUris: uris.filter((uri) => uri.application === app.id).map((uri) => uri.uri),
    allowedScopes: app.allowedScopes,
    grantTypes: app.grantTypes,
    accessTokenFormat: app.accessTokenFormat,
    accessTokenTtl: app.accessTokenTtl,
    refreshTokenTtl: app.refreshTokenTtl,
    isActive: app.isActive,
    providers: providers.filter((p) => p.application === app.id).map(providerView),
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  }));
  return { items, total };
}

/** One app of the organization, or null. */
export async function readApplicationView(
  em: EntityManager,
  organizationId: string,
  applicationId: string,
): Promise<ApplicationView | null> {
  if (!isUuid(applicationId)) return null;
  const { items } = await listApplicationViews(em, { organizationId, applicationId, limit: 1, offset: 0 });
  return items[0] ?? null;
}

/** The webhooks of one app of the organization, oldest first. */
export async function listWebhookViews(
  em: EntityManager,
  input: { organizationId: string; applicationId: string; limit: number; offset: number },
): Promise<{ items: WebhookView[]; total: number }> {
  const where = { organization: input.organizationId, application: input.applicationId };
  const total = await em.count(Webhook, where);
  const rows = await em.find(Webhook, where, {
    orderBy: { createdAt: "asc", id: "asc" },
    limit: input.limit,
    offset: input.offset,
  });
  return { items: rows.map(webhookView), total };
}

export function webhookView(row: Webhook): WebhookView {
  return {
    id: row.id,
    applicationId: row.application?.id ?? null,
    url: row.url,
    description: row.description ?? null,
    events: row.events,
    isActive: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The providers of one app of the organization, oldest first. */
export async function listProviderViews(
  em: EntityManager,
  input: { organizationId: string; applicationId: string },
): Promise<ProviderView[]> {
  const rows = await readRows(
    em,
    IdentityProvider,
    { application: { id: input.applicationId, organization: input.organizationId } },
    { orderBy: { createdAt: "asc" } },
  );
  return rows.map(providerView);
}

export function providerViewOf(provider: IdentityProvider): ProviderView {
  return providerView({ ...provider, application: provider.application.id } as never);
}
