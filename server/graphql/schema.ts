import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import "./types/date-time.ts";
import "./types/errors.ts";
import "./types/application.ts";
import "./mutations/application-mutations.ts";
import "./types/organization.ts";
import "./types/viewer.ts";

/** The control-plane schema: every type module above adds itself to the builder. */
export const schema = builder.toSchema();

/** The SDL committed as schema.graphql, sorted so diffs show only real changes. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
