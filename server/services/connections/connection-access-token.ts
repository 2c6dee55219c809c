import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Connection } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";
import { createSingleFlight } from "../single-flight.ts";
import { openAccessToken } from "./connection-tokens.ts";
import { ConnectionUnavailableError } from "./connection-unavailable.ts";
import { refreshConnection } from "./refresh-connection.ts";
import { isRefreshDue } from "./refresh-timing.ts";

/** One obtain per connection in flight in this process; later callers join it. */
const flights = createSingleFlight<string, string>();

/**
 * A valid access token of a user connection, refreshed first (RFC 6749 §6) when it expires within the margin of
 * `refresh-timing.ts`. Concurrent callers in this process share one attempt (single flight); across processes the
 * row lock of {@link refreshConnection} makes the second wait and find the token already fresh. When a refresh
 * fails for a transient reason while the stored token has not expired yet, that token is returned.
 *
 * Throws ConnectionUnavailableError (not found, `needs_reauth`, `revoked`), or the UpstreamError of a failed
 * refresh once no usable token is left.
 *
 * @example
 * ```ts
 * const token = await getConnectionAccessToken(orm.em, keyring, network, connection.id, new Date());
 * await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
 * ```
 */
export function getConnectionAccessToken(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  connectionId: string,
  now: Date,
): Promise<string> {
  return flights.run(connectionId, () => obtain(em, keyring, network, connectionId, now));
}

async function obtain(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  connectionId: string,
  now: Date,
): Promise<string> {
  // A fork of its own (allowed by the architecture test): apps call this with the global EntityManager, and each
  // flight must read the row afresh, not from an identity map that outlives it.
  const row = isUuid(connectionId) ? await em.fork().findOne(Connection, { id: connectionId }) : null;
  if (!row) throw new ConnectionUnavailableError("not_found");
  if (row.status !== "active" || !row.accessTokenEncrypted) {
    throw new ConnectionUnavailableError(row.status === "active" ? "needs_reauth" : row.status);
  }
  if (!isRefreshDue(row, now)) return openAccessToken(keyring, row)!;
  const outcome = await refreshConnection(em, keyring, network, connectionId, now);
  switch (outcome.kind) {
    case "valid":
    case "refreshed":
      return outcome.accessToken;
    case "needs_reauth":
      throw new ConnectionUnavailableError("needs_reauth");
    case "failed":
      if (outcome.stillValid) return outcome.stillValid.accessToken;
      throw outcome.error;
    case "unavailable":
      throw new ConnectionUnavailableError(outcome.status);
    case "busy":
      throw new Error("unreachable: the lock was waited for");
  }
}
