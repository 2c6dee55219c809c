import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * The origin a connection popup may report back to (`postMessage`'s targetOrigin): PUBLIC_URL's origin when none is
 * asked for, else the asked one when it is PUBLIC_URL's origin or the origin of a redirect URI registered by an app
 * of the integration's organization. Null when the asked value is not such an origin: never `*`, never a path, never
 * an origin no admin of that organization registered, so the result of a connection only reaches a page the
 * organization trusts.
 */
export async function resolveOpenerOrigin(
  em: EntityManager,
  input: { readonly requested: string | undefined; readonly organizationId: string; readonly publicUrl: string },
): Promise<string | null> {
  const own = new URL(input.publicUrl).origin;
  if (input.requested === undefined || input.requested === "") return own;
  const requested = parseOrigin(input.requested);
  if (requested === null) return null;
  if (requested === own) return own;
  const uris = await em.getConnection().execute<{ uri: string }[]>(
    `select r.uri from redirect_uris r join applications a on a.id = r.application_id
        where a.organization_id = ? and r.uri ilike 'http%'`,
    [input.organizationId],
  );
  return uris.some((row) => parseOrigin(row.uri, { allowPath: true }) === requested) ? requested : null;
}

/** The serialized origin of an http(s) URL, or null; without `allowPath`, only a bare origin is accepted. */
function parseOrigin(value: string, options: { allowPath?: boolean } = {}): string | null {
  if (value.length > 2048 || !URL.canParse(value)) return null;
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  if (!options.allowPath && (url.pathname !== "/" || url.search || url.hash || !value.startsWith(url.origin))) {
    return null;
  }
  return url.origin;
}
