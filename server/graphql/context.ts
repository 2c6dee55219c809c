import type { EntityManager } from "@mikro-orm/postgresql";
import type { Logger } from "../logger.ts";
import type { ApiKeyPrincipal } from "../services/authenticate-api-key.ts";

/** The authenticated caller of one GraphQL request. Later faces add user sessions and access tokens. */
export type Principal = ApiKeyPrincipal;

/** Per-request context: one forked EntityManager (MikroORM's unit of work) and the caller. */
export type GraphQLContext = {
  readonly em: EntityManager;
  readonly principal: Principal;
  readonly logger: Logger;
  readonly now: () => Date;
};
