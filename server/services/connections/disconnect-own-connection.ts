import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import type { Logger } from "../../logger.ts";
import { isUuid } from "../../uuid.ts";
import { NotFoundError } from "../errors.ts";
import { type DisconnectedConnection, disconnectConnection } from "./disconnect-connection.ts";

/**
 * A user disconnects one of their own connections (the account's Connections page): the same disconnect an admin
 * does ({@link disconnectConnection}: upstream revocation, tokens dropped, `connection.disconnected`), with the user
 * as the actor. Throws NotFoundError for a connection that is not theirs, so another user's id reveals nothing.
 */
export async function disconnectOwnConnection(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  input: { readonly connectionId: string; readonly userId: string },
  now: Date,
  options: { readonly logger?: Logger } = {},
): Promise<DisconnectedConnection> {
  if (!isUuid(input.connectionId)) throw new NotFoundError("connection");
  const [owned] = await em.getConnection().execute<{ organization_id: string }[]>(
    `select i.organization_id from connections c join integration_credentials i on i.id = c.integration_id
      where c.id = ? and c.user_id = ?`,
    [input.connectionId, input.userId],
  );
  if (!owned) throw new NotFoundError("connection");
  return disconnectConnection(
    em,
    keyring,
    network,
    {
      connectionId: input.connectionId,
      organizationId: owned.organization_id,
      actor: { type: "user", id: input.userId },
    },
    now,
    options,
  );
}
