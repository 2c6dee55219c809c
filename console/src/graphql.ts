import { initGraphQLTada } from "gql.tada";
import type { introspection } from "./graphql-env.d.ts";

/**
 * Operations are typed from the committed schema.graphql (`npm run console:types` writes graphql-env.d.ts from it),
 * so a schema change that breaks a screen fails `npm run typecheck`.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { Date: string; DateTime: string; ID: string };
}>();

export type { ResultOf, VariablesOf } from "gql.tada";
