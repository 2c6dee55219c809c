import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { type ApiKeyScope, apiKeyAllows } from "../services/api-key-scopes.ts";
import type { GraphQLContext } from "./context.ts";

export type AuthScopes = {
  /** Any authenticated caller of the organization. */
  member: boolean;
  /** An API key holding this scope (or `admin`). */
  apiKeyScope: ApiKeyScope;
};

/**
 * The one Pothos builder. Plugin order matters: errors before scope-auth turns an unauthorized field into a typed
 * error where the field lists error types; validation after auth so unauthenticated input is never inspected.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; ID: { Input: string; Output: string } };
}>({
  plugins: [ErrorsPlugin, ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      member: Boolean(context.principal),
      apiKeyScope: (scope) => apiKeyAllows(context.principal.scopes, scope),
    }),
  },
  relay: { cursorType: "String", clientMutationId: "omit" },
  errors: { defaultTypes: [] },
});

builder.queryType({});
