import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { type ApiKeyScope, apiKeyAllows } from "../services/api-key-scopes.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../services/errors.ts";
import { type GraphQLContext, NO_ORGANIZATION } from "./context.ts";
import { type DecodedGlobalId, decodeGlobalIdOrNone, isLoadableNode } from "./global-id.ts";

export type AuthScopes = {
  /** Any authenticated caller of the organization. */
  member: boolean;
  /** A person signed in (session or admin token), even one who belongs to no organization yet. */
  signedIn: boolean;
  /** A credential holding this scope (or `admin`); owners and admins hold `admin`. */
  apiKeyScope: ApiKeyScope;
};

/**
 * The one Pothos builder. Plugin order matters: errors before scope-auth turns an unauthorized mutation into a
 * typed ForbiddenError in its payload; validation after auth so unauthenticated input is never inspected.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    /** A calendar day, YYYY-MM-DD. */
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ErrorsPlugin, ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // A type's scopes are checked in every field's resolver, not once per object in isTypeOf: queries run compiled
    // by graphql-jit (yoga.ts), which calls isTypeOf with the value alone, without the context the scopes need.
    // (Checking in isTypeOf allocated ~2 MB less per page of 100 apps; the compiled execution saves more.)
    runScopesOnType: false,
    authScopes: (context) => ({
      member: context.principal.organizationId !== NO_ORGANIZATION,
      signedIn: context.principal.kind === "user" && Boolean(context.principal.userId),
      apiKeyScope: (scope) => apiKeyAllows(context.principal.scopes, scope),
    }),
    unauthorizedError: (_parent, _context, _info, result) => new ForbiddenError(`Not allowed: ${result.message}`),
  },
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    // Malformed ids (not base64, another type, no uuid) name no row instead of throwing: see global-id.ts.
    decodeGlobalID: decodeGlobalIdOrNone,
    idFieldOptions: { description: "A global id, stable across requests; pass it to `node` or to mutations." },
    nodeTypeOptions: { description: "An object with a global id." },
    nodeQueryOptions: {
      description: "Any object by its global id; another organization's objects are not found.",
      // An id of a type that is no Node (`User:…`, or a malformed one) is not found, as an id of no row is.
      resolve: (_root, args, _context, info, resolveNode) => {
        if (!isLoadableNode(info.schema, args.id)) throw new NotFoundError("Node");
        return resolveNode(args.id);
      },
    },
    nodesQueryOptions: {
      description: "Objects by their global ids, in order.",
      resolve: async (_root, args, _context, info, resolveNodes) => {
        const loadable = args.ids.map((id) => isLoadableNode(info.schema, id));
        // Pothos's resolveNodes reads `args.ids` itself and skips null entries; those become NOT_FOUND items.
        args.ids = args.ids.map((id, index) => (loadable[index] ? id : null)) as DecodedGlobalId[];
        const nodes = await resolveNodes(args.ids);
        return nodes.map((node, index) => (loadable[index] ? node : new NotFoundError("Node")));
      },
    },
    pageInfoTypeOptions: { description: "Where a page sits in a list." },
    hasNextPageFieldOptions: { description: "Whether more items follow this page." },
    hasPreviousPageFieldOptions: { description: "Whether items precede this page." },
    startCursorFieldOptions: { description: "The cursor of the first item of the page." },
    endCursorFieldOptions: { description: "The cursor of the last item of the page; pass it as `after`." },
    cursorFieldOptions: { description: "An opaque position in the list." },
    nodeFieldOptions: { description: "The item." },
    edgesFieldOptions: { description: "The items of the page with their cursors." },
    pageInfoFieldOptions: { description: "Whether there are more pages, and their cursors." },
    firstArgOptions: { description: "At most this many items from the start (1 to 100, default 50)." },
    lastArgOptions: { description: "At most this many items from the end (1 to 100)." },
    afterArgOptions: { description: "Items after this cursor." },
    beforeArgOptions: { description: "Items before this cursor." },
  },
  errors: {
    defaultTypes: [ValidationError, NotFoundError, ConflictError, ForbiddenError],
    directResult: true,
    defaultUnionOptions: {
      description: "The mutation's payload, or the typed error that stopped it (nothing changed).",
    },
  },
});

builder.queryType({ description: "Reads of the control plane; every field is scoped to the caller's organization." });
builder.mutationType({
  description: "Changes to the control plane; each writes an audit Event in the same transaction.",
});
