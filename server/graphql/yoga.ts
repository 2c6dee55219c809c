// Aliased: the name of an envelop plugin factory, not a React hook.
import { useGraphQlJit as graphqlJit } from "@envelop/graphql-jit";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { MikroORM } from "@mikro-orm/postgresql";
import { GraphQLError, getOperationAST, NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import type { SessionPolicy } from "../config.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { SECRET_PREFIXES } from "../crypto/prefixed-secret.ts";

type OnValidateArgs = { addValidationRule: (rule: ValidationRule) => void };

import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { Logger } from "../logger.ts";
import type { Runtime } from "../runtime.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import { authenticateAdminToken, authenticateMember } from "../services/authenticate-member.ts";
import { createInvitationLimits } from "../services/invitations/invitation-limits.ts";
import type { Mailer } from "../services/mail/mailer.ts";
import { resolveAccessToken } from "../services/oauth/resolve-access-token.ts";
import { resolveSession } from "../services/sessions/resolve-session.ts";
import { sessionCookieName } from "../services/sessions/session-cookie-name.ts";
import { type GraphQLContext, NO_ORGANIZATION, type Principal } from "./context.ts";
import { maskGraphQLError } from "./mask-error.ts";
import { redactInputValuesPlugin } from "./redact-input-values.ts";
import { schema } from "./schema.ts";

export type GraphQLDeps = {
  readonly orm: MikroORM;
  readonly logger: Logger;
  readonly production: boolean;
  /** LATCH_ALLOW_PRIVATE_WEBHOOKS: upstreams at loopback, private and metadata addresses may be called. */
  readonly allowPrivateAddresses: boolean;
  readonly publicUrl: string;
  /** Whether the session cookie is the `Secure` `__Host-` one (config.secureCookies). */
  readonly secureCookies: boolean;
  /** How long browser sessions last (config.sessionPolicy); the defaults when not given. */
  readonly sessionPolicy?: SessionPolicy;
  readonly keyring: MasterKeyring;
  /** The process's long-lived state; its signer verifies user access tokens presented to the control plane. */
  readonly runtime: Runtime;
  /** Schema introspection; off in production unless LATCH_GRAPHQL_INTROSPECTION=true. */
  readonly introspection: boolean;
  /** Mails invitations (built once in start.ts). */
  readonly mailer: Mailer;
};

const unauthenticated = (message: string) =>
  new GraphQLError(message, {
    extensions: {
      code: "UNAUTHENTICATED",
      http: { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="latch"' } },
    },
  });

/**
 * An API key in the Authorization header, else a browser session of a member (in the organization named by the
 * `Latch-Organization` header, or their first). SameSite=Lax keeps the cookie off cross-site requests, but not off
 * same-site ones (another port, a sibling subdomain): app.ts refuses a cookie from an origin outside
 * LATCH_CORS_ORIGINS before this runs.
 */
async function authenticate(request: Request, deps: GraphQLDeps, now: Date): Promise<Principal> {
  const header = request.headers.get("authorization");
  const em = deps.orm.em.fork();
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated("Authorization header must be `Bearer <API key>`");
    const presented = match[1]!;
    if (presented.startsWith(SECRET_PREFIXES.apiKey)) {
      const principal = await authenticateApiKey(em, presented, now);
      if (!principal) throw unauthenticated("The API key is unknown, revoked or expired");
      return principal;
    }
    const access = await resolveAccessToken(deps.runtime, presented, now);
    const member = access ? await authenticateAdminToken(em, access) : null;
    if (!member) throw unauthenticated("The token is invalid, or lacks the admin scope of a workspace you administer");
    return member;
  }
  const token = readCookie(request.headers.get("cookie"), sessionCookieName(deps.secureCookies));
  const session = token ? await resolveSession(em, token, now, deps.sessionPolicy) : null;
  if (!session) throw unauthenticated("Authentication required: send Authorization: Bearer <API key>, or sign in");
  const named = request.headers.get("latch-organization") ?? undefined;
  const member = await authenticateMember(em, session.user.id, named);
  if (member) return member;
  if (named) throw unauthenticated("You are not a member of that organization");
  // Signed in but in no workspace yet (just signed up, or removed from the last one): `createOrganization` only.
  return {
    kind: "user",
    organizationId: NO_ORGANIZATION,
    scopes: [],
    apiKeyId: null,
    userId: session.user.id,
    role: null,
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/**
 * Queries run as code graphql-jit compiled for their document (cached with the parsed document, which yoga's parser
 * cache keeps for each query text): a page of 100 apps with every relation costs ~15-20% less CPU than graphql-js
 * walking the document for every object (bench/README.md). Mutations stay on graphql-js: graphql-jit coerces
 * variables itself, with messages of its own that redactInputValuesPlugin would not recognize. Only an authenticated
 * caller reaches execution (the context throws first), so only members can make the server compile.
 */
const compiledQueries = graphqlJit(
  {},
  { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation === "query" },
);

/**
 * The control plane's GraphQL handler. Every request is authenticated before any field runs; limits on depth,
 * cost, aliases and tokens stop expensive queries before execution; unexpected errors are masked.
 */
export function createGraphQLHandler(deps: GraphQLDeps): YogaServerInstance<Record<string, unknown>, GraphQLContext> {
  const invitationLimits = createInvitationLimits(deps.orm.em);
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    logging: false,
    // CORS is decided in app.ts (server/http/cors.ts): yoga's default answers any Origin with credentials.
    cors: false,
    context: async ({ request }) => {
      const now = new Date();
      return {
        em: deps.orm.em.fork(),
        principal: await authenticate(request, deps, now),
        logger: deps.logger,
        now: () => new Date(),
        keyring: deps.keyring,
        publicUrl: deps.publicUrl,
        production: deps.production,
        upstreamNetwork: { allowPrivate: deps.allowPrivateAddresses },
        mailer: deps.mailer,
        invitationLimits,
        runtime: deps.runtime,
        loaders: new Map(),
      };
    },
    maskedErrors: {
      maskError: (error, message, isDev) =>
        maskGraphQLError(error, message, Boolean(isDev) && !deps.production, deps.logger),
    },
    plugins: [
      compiledQueries,
      redactInputValuesPlugin,
      ...(deps.introspection
        ? []
        : [
            {
              onValidate: ({ addValidationRule }: OnValidateArgs) => addValidationRule(NoSchemaIntrospectionCustomRule),
            },
          ]),
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        // Static cost grows with nesting depth; 20000 admits a page of apps with every relation, not abuse.
        costLimit: { maxCost: 20000 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 50 },
        maxTokens: { n: 2000 },
        blockFieldSuggestion: { enabled: deps.production },
      }),
    ],
  });
}
