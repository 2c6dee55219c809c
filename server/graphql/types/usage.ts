import { GraphQLError, Kind } from "graphql";
import { ValidationError } from "../../services/errors.ts";
import { lastActivityAt } from "../../services/usage/last-activity.ts";
import { MAX_USAGE_DAYS, parseIsoDay, readUsage, type UsageDay } from "../../services/usage/read-usage.ts";
import { builder } from "../builder.ts";
import { rowId } from "../global-id.ts";
import { ApplicationNode } from "./application.ts";

function parseDay(value: unknown): string {
  if (typeof value !== "string" || parseIsoDay(value) === undefined) {
    throw new GraphQLError("Date must be a calendar day as YYYY-MM-DD", { extensions: { code: "BAD_USER_INPUT" } });
  }
  return value;
}

/** A calendar day in UTC. */
export const DateScalar = builder.scalarType("Date", {
  description: "A calendar day in UTC, as YYYY-MM-DD.",
  serialize: (value: unknown) => String(value) as never,
  parseValue: (value: unknown) => parseDay(value) as never,
  parseLiteral: (ast) => parseDay(ast.kind === Kind.STRING ? ast.value : undefined) as never,
});

export const UsageDayType = builder.objectRef<UsageDay>("UsageDay").implement({
  description: "One UTC day of an app's usage; a day without activity reads as zeros.",
  fields: (t) => ({
    day: t.field({ type: DateScalar, description: "The day.", resolve: (usage) => usage.day }),
    authorizations: t.exposeInt("authorizations", {
      description: "Authorization requests approved (by the user, or by an existing grant).",
    }),
    tokensAuthorizationCode: t.exposeInt("tokensAuthorizationCode", {
      description: "Tokens issued for authorization codes.",
    }),
    tokensRefreshToken: t.exposeInt("tokensRefreshToken", { description: "Tokens issued for refresh tokens." }),
    tokensClientCredentials: t.exposeInt("tokensClientCredentials", {
      description: "Tokens issued with the client credentials grant.",
    }),
    tokensPassword: t.exposeInt("tokensPassword", { description: "Tokens issued with the password grant." }),
    refreshes: t.exposeInt("refreshes", { description: "Successful refresh token requests." }),
    denials: t.exposeInt("denials", { description: "Authorization requests the user denied." }),
    errors: t.exposeInt("errors", { description: "Token requests that failed with an OAuth error." }),
    activeUsers: t.exposeInt("activeUsers", {
      description: "Distinct users who were issued an access token for the app that day.",
    }),
  }),
});

builder.queryField("usage", (t) =>
  t.field({
    type: [UsageDayType],
    description: `An app's usage for every day from \`from\` to \`to\` (inclusive, UTC), at most ${MAX_USAGE_DAYS} days.`,
    authScopes: { apiKeyScope: "apps:read" },
    args: {
      applicationId: t.arg.globalID({ required: true, description: "The app." }),
      from: t.arg({ type: DateScalar, required: true, description: "The first day." }),
      to: t.arg({ type: DateScalar, required: true, description: "The last day, inclusive." }),
    },
    resolve: async (_root, args, context) => {
      try {
        return await readUsage(context.em, {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          from: args.from,
          to: args.to,
        });
      } catch (error) {
        // A list has no payload to carry a typed error: a bad range is the client's input error, said as such.
        if (error instanceof ValidationError) {
          throw new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT", field: error.field } });
        }
        throw error;
      }
    },
  }),
);

builder.objectFields(ApplicationNode, (t) => ({
  lastActivityAt: t.loadable({
    type: "DateTime",
    nullable: true,
    description:
      "When the app was last used: an access token issued, its client secret authenticating a request (to the minute), or a redirect URI completing an authorization; null if never. Read for a whole page of apps in one statement.",
    authScopes: { apiKeyScope: "apps:read" },
    load: (ids: string[], context) => lastActivityAt(context.em, ids),
    resolve: (app) => app.id,
  }),
}));
