import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { openAccessToken } from "../connections/connection-tokens.ts";
import { createSingleFlight } from "../single-flight.ts";
import { findServiceConnection, renewServiceToken } from "./renew-service-token.ts";
import { isFresh } from "./token-freshness.ts";

/**
 * Renewals in flight in this process, one per integration. Process-wide on purpose: the point is that every caller
 * of the process (webhook deliveries, server code) shares one upstream request.
 */
const renewals = createSingleFlight<string, string>();

/**
 * The access token of a service integration (grant type `client_credentials`, RFC 6749 §4.4, or `password`, §4.3),
 * for server code to call the integration's API with. Never expired, and never within its renewal margin (60 s, or
 * half its lifetime when that is shorter): the first call acquires one, later calls read the stored one, and a call
 * that finds it due renews it first.
 *
 * A fresh stored token costs one SELECT. Otherwise concurrent callers in this process share one renewal, which takes
 * a database lock so callers in other processes wait for it and then read its result: 50 concurrent calls make one
 * token request. Throws an {@link UpstreamError} (and records it on the connection row) when no unexpired token can
 * be had; its message names what failed and never holds a token or secret.
 *
 * @example
 * const token = await getAccessToken(orm.em, keyring, network, integration.id);
 * await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
 */
export async function getAccessToken(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integrationId: string,
  now: Date = new Date(),
): Promise<string> {
  // A fork of its own (allowed by the architecture test): jobs and apps call this with the global EntityManager, and
  // the cached token must be read afresh each time, not from an identity map that outlives it.
  const connection = await findServiceConnection(em.fork(), integrationId);
  const stored = connection && isFresh(connection, now) ? openAccessToken(keyring, connection) : null;
  if (stored) return stored;
  return renewals.run(integrationId, () => renewServiceToken(em, keyring, network, integrationId, now));
}
