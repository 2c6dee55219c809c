import { GraphQLError, Kind } from "graphql";
import { builder } from "../builder.ts";

function parseDate(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError("DateTime must be an ISO 8601 string");
  return date;
}

/** RFC 3339 timestamps in UTC, e.g. `2026-11-23T19:04:00.000Z`. */
builder.scalarType("DateTime", {
  description: "An RFC 3339 timestamp in UTC",
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
