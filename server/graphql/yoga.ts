import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { MikroORM } from "@mikro-orm/postgresql";
import { GraphQLError } from "graphql";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { Logger } from "../logger.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import type { GraphQLContext, Principal } from "./context.ts";
import { maskGraphQLError } from "./mask-error.ts";
import { schema } from "./schema.ts";

export type GraphQLDeps = { readonly orm: MikroORM; readonly logger: Logger; readonly production: boolean };

const unauthenticated = (message: string) =>
  new GraphQLError(message, {
    extensions: {
      code: "UNAUTHENTICATED",
      http: { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="latch"' } },
    },
  });

async function authenticate(request: Request, deps: GraphQLDeps, now: Date): Promise<Principal> {
  const header = request.headers.get("authorization");
  if (!header) throw unauthenticated("Authentication required: send Authorization: Bearer <API key>");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated("Authorization header must be `Bearer <API key>`");
  const principal = await authenticateApiKey(deps.orm.em.fork(), match[1]!, now);
  if (!principal) throw unauthenticated("The API key is unknown, revoked or expired");
  return principal;
}

/**
 * The control plane's GraphQL handler. Every request is authenticated before any field runs; limits on depth,
 * cost, aliases and tokens stop expensive queries before execution; unexpected errors are masked.
 */
export function createGraphQLHandler(deps: GraphQLDeps): YogaServerInstance<Record<string, unknown>, GraphQLContext> {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    logging: false,
    context: async ({ request }) => {
      const now = new Date();
      return {
        em: deps.orm.em.fork(),
        principal: await authenticate(request, deps, now),
        logger: deps.logger,
        now: () => new Date(),
      };
    },
    maskedErrors: {
      maskError: (error, message, isDev) =>
        maskGraphQLError(error, message, Boolean(isDev) && !deps.production, deps.logger),
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        costLimit: { maxCost: 5000 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 50 },
        maxTokens: { n: 2000 },
        blockFieldSuggestion: { enabled: deps.production },
      }),
    ],
  });
}
