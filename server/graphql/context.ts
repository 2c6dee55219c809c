import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../connections/upstream-request.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import type { Logger } from "../logger.ts";
import type { Runtime } from "../runtime.ts";
import type { InvitationLimits } from "../services/invitations/invitation-limits.ts";
import type { Mailer } from "../services/mail/mailer.ts";

/**
 * The authenticated caller of one GraphQL request, as plain data: an API key of an organization, or a signed-in
 * member acting in one of their organizations. `scopes` are API-key scopes; a member's role maps onto them.
 */
export type Principal = {
  readonly kind: "api_key" | "user";
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly apiKeyId: string | null;
  readonly userId: string | null;
  readonly role: "owner" | "admin" | "member" | null;
};

/**
 * The organization of a signed-in user who belongs to none yet: a UUID no row holds, so every organization-scoped
 * read finds nothing; the `member` scope refuses them, `signedIn` (createOrganization) admits them.
 */
export const NO_ORGANIZATION = "00000000-0000-0000-0000-000000000000";

/** Per-request context: one forked EntityManager (MikroORM's unit of work) and the caller. */
export type GraphQLContext = {
  readonly em: EntityManager;
  readonly principal: Principal;
  readonly logger: Logger;
  readonly now: () => Date;
  /** For secrets the control plane stores encrypted (upstream provider secrets, webhook secrets). */
  readonly keyring: MasterKeyring;
  readonly publicUrl: string;
  readonly production: boolean;
  /** The address guard of every server-side call to an upstream (LATCH_ALLOW_PRIVATE_WEBHOOKS). */
  readonly upstreamNetwork: UpstreamNetwork;
  /** Sends the invitations the control plane mails. */
  readonly mailer: Mailer;
  /** The shared limits on invitation mail. */
  readonly invitationLimits: InvitationLimits;
  /** The process's long-lived state (server/runtime.ts): the pool and caches the services it calls run on. */
  readonly runtime: Runtime;
  /** This request's DataLoaders by name (see requestLoader): made on first use, gone with the request. */
  readonly loaders: Map<string, unknown>;
};

/** The actor recorded on the Events a request's mutations write. */
export function actorOf(principal: Principal): { type: "api_key" | "user"; id: string | null } {
  return principal.kind === "api_key"
    ? { type: "api_key", id: principal.apiKeyId }
    : { type: "user", id: principal.userId };
}
