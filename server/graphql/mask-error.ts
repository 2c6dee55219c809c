import { GraphQLError } from "graphql";
import { maskError as yogaMaskError } from "graphql-yoga";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../db/unavailable.ts";
import { isUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "../db/unstorable-text.ts";
import type { Logger } from "../logger.ts";
import { currentRequestId } from "../request-context.ts";
import { ServiceError } from "../services/errors.ts";
import { redactInputValues } from "./redact-input-values.ts";

function databaseUnavailable(): GraphQLError {
  return new GraphQLError("The database is unavailable; retry later", {
    extensions: {
      code: "SERVICE_UNAVAILABLE",
      http: { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } },
    },
  });
}

/**
 * Decides what a client sees of an error: errors we raised on purpose (GraphQL errors with a code, service errors)
 * keep their message and code; a database outage becomes 503 with Retry-After; text PostgreSQL cannot store (a NUL
 * byte) is BAD_USER_INPUT; anything else is logged and masked.
 */
export function maskGraphQLError(error: unknown, message: string, isDev: boolean, logger: Logger): Error {
  const chain = causeChain(error);
  const root = chain.at(-1);
  if (chain.some(isDatabaseUnavailable)) return databaseUnavailable();
  if (chain.some(isUnstorableText)) {
    const located = isGraphQLError(error) ? { nodes: error.nodes, path: error.path } : {};
    return new GraphQLError(UNSTORABLE_TEXT_MESSAGE, { ...located, extensions: { code: "BAD_USER_INPUT" } });
  }
  if (root instanceof ServiceError && isGraphQLError(error)) {
    return new GraphQLError(root.message, { nodes: error.nodes, path: error.path, extensions: { code: root.code } });
  }
  // Raised on purpose (ours, or yoga's HTTP errors) when it carries a code; parse and validation errors have no cause.
  const coded = chain.find((e) => isGraphQLError(e) && Boolean(e.extensions?.code));
  // graphql-js coercion and validation errors quote the input, secrets included: say what is wrong without it.
  const redacted = isGraphQLError(error) ? redactInputValues(error) : undefined;
  if (redacted) return redacted;
  if (coded) return coded as GraphQLError;
  if (isGraphQLError(error) && !error.originalError) return error;
  const requestId = currentRequestId();
  logger.error({ err: root, requestId }, "unexpected GraphQL error");
  const masked = yogaMaskError(error, message, isDev);
  if (!isGraphQLError(masked)) return masked;
  // The request id lets an operator find the logged cause; the client learns nothing else.
  return new GraphQLError(masked.message, {
    nodes: masked.nodes,
    path: masked.path,
    extensions: { ...masked.extensions, code: "INTERNAL_SERVER_ERROR", requestId },
  });
}

/** The error and the errors GraphQL wrapped around it, outermost first. */
function causeChain(error: unknown): unknown[] {
  const chain = [error];
  let current = error;
  while (isGraphQLError(current) && current.originalError && chain.length < 8) {
    current = current.originalError;
    chain.push(current);
  }
  return chain;
}

/**
 * graphql ships CJS and ESM builds and some plugins (graphql-armor) load the CJS one, so `instanceof GraphQLError`
 * misses their errors: recognise them by shape instead.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === "GraphQLError" && "extensions" in error;
}
