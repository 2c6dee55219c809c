import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import "./types/date-time.ts";
import "./types/errors.ts";
import "./types/application.ts";
import "./mutations/application-mutations.ts";
import "./types/redirect-uri.ts";
import "./types/client-secret.ts";
import "./types/scope.ts";
import "./mutations/redirect-uri-mutations.ts";
import "./mutations/client-secret-mutations.ts";
import "./mutations/scope-mutations.ts";
import "./types/grant.ts";
import "./types/event.ts";
import "./types/usage.ts";
import "./mutations/grant-mutations.ts";
import "./types/identity-provider.ts";
import "./types/webhook.ts";
import "./types/webhook-delivery.ts";
import "./types/api-key.ts";
import "./types/membership.ts";
import "./mutations/identity-provider-mutations.ts";
import "./mutations/webhook-mutations.ts";
import "./mutations/webhook-delivery-mutations.ts";
import "./mutations/api-key-mutations.ts";
import "./mutations/membership-mutations.ts";
import "./types/invitation.ts";
import "./mutations/invitation-mutations.ts";
import "./types/integration.ts";
import "./types/connection.ts";
import "./mutations/connection-mutations.ts";
import "./mutations/integration-mutations.ts";

import "./types/organization.ts";
import "./types/viewer.ts";
import "./mutations/organization-mutations.ts";

/** The control-plane schema: every type module above adds itself to the builder. */
export const schema = builder.toSchema();

/** The SDL committed as schema.graphql, sorted so diffs show only real changes. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
