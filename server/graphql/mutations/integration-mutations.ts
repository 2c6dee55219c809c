import { encodeGlobalID } from "@pothos/plugin-relay";
import type { IntegrationCredential, IntegrationGrantType } from "../../db/entities/index.ts";
import { definedFields } from "../../defined-fields.ts";
import { createIntegration } from "../../services/integrations/create-integration.ts";
import { deleteIntegration } from "../../services/integrations/delete-integration.ts";
import { updateIntegration } from "../../services/integrations/update-integration.ts";
import { type IntegrationTestResult, testIntegration } from "../../services/service-tokens/test-integration.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { IntegrationGrantTypeEnum, IntegrationNode } from "../types/integration.ts";

const settingsFields = (t: Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0]) => ({
  authorizeUrl: t.string({
    required: false,
    description: "The upstream authorization endpoint (https); required for the authorization code grant.",
  }),
  revocationUrl: t.string({ required: false, description: "The upstream RFC 7009 revocation endpoint (https)." }),
  scopes: t.stringList({
    required: false,
    description:
      'Scopes to request from the upstream (default none). Each entry may itself be space-separated (RFC 6749 §3.3), so one string such as "repo read:user" is accepted.',
  }),
  username: t.string({ required: false, description: "The resource owner for the password grant." }),
  audience: t.string({ required: false, description: "An `audience` to send with service token requests." }),
});

const CreateIntegrationInput = builder.inputType("CreateIntegrationInput", {
  description: "A new integration: the organization's OAuth client at an upstream service.",
  fields: (t) => ({
    domain: t.string({
      required: true,
      description: "The upstream's domain, unique in the organization (stored lowercase), e.g. `github.com`.",
    }),
    clientId: t.string({ required: true, description: "The organization's client id at the upstream." }),
    clientSecret: t.string({
      required: true,
      description: "The client secret (8 characters or more). Stored encrypted; never returned.",
    }),
    tokenUrl: t.string({ required: true, description: "The upstream token endpoint (https)." }),
    grantType: t.field({
      type: IntegrationGrantTypeEnum,
      required: false,
      description: "How tokens are obtained (default AUTHORIZATION_CODE).",
    }),
    password: t.string({
      required: false,
      description: "The resource owner's password for the password grant. Stored encrypted; never returned.",
    }),
    ...settingsFields(t),
  }),
});

const UpdateIntegrationInput = builder.inputType("UpdateIntegrationInput", {
  description:
    "Changes to an integration; omitted fields stay as they are, null clears an optional one. Leaving the password " +
    "grant drops the stored username and password.",
  fields: (t) => ({
    id: t.globalID({ required: true, description: "The integration." }),
    domain: t.string({ required: false, description: "A new domain, unique in the organization." }),
    clientId: t.string({ required: false, description: "The organization's client id at the upstream." }),
    clientSecret: t.string({
      required: false,
      description: "A new client secret; empty or omitted keeps the stored one.",
    }),
    tokenUrl: t.string({ required: false, description: "The upstream token endpoint (https); it cannot be cleared." }),
    grantType: t.field({ type: IntegrationGrantTypeEnum, required: false, description: "How tokens are obtained." }),
    password: t.string({
      required: false,
      description: "A new password for the password grant; empty or omitted keeps the stored one.",
    }),
    ...settingsFields(t),
  }),
});

const IntegrationPayload = builder.objectRef<{ integration: IntegrationCredential }>("IntegrationPayload").implement({
  description: "The integration after the change.",
  fields: (t) => ({
    integration: t.field({ type: IntegrationNode, description: "The integration.", resolve: (p) => p.integration }),
  }),
});

const DeleteIntegrationPayload = builder.objectRef<{ id: string }>("DeleteIntegrationPayload").implement({
  description: "The integration is gone, with the connections that held its tokens.",
  fields: (t) => ({
    deletedIntegrationId: t.exposeID("id", { description: "The global id of the deleted integration." }),
  }),
});

type IntegrationTestError = NonNullable<IntegrationTestResult["error"]>;

const IntegrationTestFailure = builder.objectRef<IntegrationTestError>("IntegrationTestFailure").implement({
  description: "Why the upstream did not issue a token. Never holds a secret or a token.",
  fields: (t) => ({
    code: t.exposeString("code", {
      description: "A stable code, e.g. `upstream_error`, `upstream_bad_response`, `upstream_unreachable`.",
    }),
    message: t.exposeString("message", { description: "A readable explanation." }),
    upstreamError: t.string({
      nullable: true,
      description: "The upstream's OAuth `error` code (RFC 6749 §5.2), when it sent one.",
      resolve: (error) => error.upstreamError ?? null,
    }),
  }),
});

const TestIntegrationPayload = builder
  .objectRef<IntegrationTestResult & { integration: string }>("TestIntegrationPayload")
  .implement({
    description:
      "The upstream's answer to a token request made with the integration's credentials. The token is dropped and " +
      "nothing stored changes.",
    fields: (t) => ({
      integration: t.field({
        type: IntegrationNode,
        description: "The integration tested.",
        resolve: (p) => p.integration,
      }),
      ok: t.exposeBoolean("ok", { description: "Whether the upstream accepted the credentials." }),
      grantType: t.field({
        type: IntegrationGrantTypeEnum,
        description: "The grant type that was tried.",
        resolve: (p) => p.grantType as IntegrationGrantType,
      }),
      tokenType: t.string({
        nullable: true,
        description: "The type of the token issued (e.g. `bearer`); null unless a token was issued.",
        resolve: (p) => p.tokenType ?? null,
      }),
      expiresIn: t.int({
        nullable: true,
        description: "The issued token's lifetime in seconds; null when the upstream gave none.",
        resolve: (p) => p.expiresIn ?? null,
      }),
      scopes: t.stringList({
        nullable: true,
        description: "The scopes the upstream granted; null unless a token was issued.",
        resolve: (p) => p.scopes ?? null,
      }),
      error: t.field({
        type: IntegrationTestFailure,
        nullable: true,
        description: "Why it failed; null when `ok`.",
        resolve: (p) => p.error ?? null,
      }),
    }),
  });

const ERRORS = { union: { description: "The payload, or the typed error that kept anything from changing." } };

builder.mutationFields((t) => ({
  createIntegration: t.field({
    type: IntegrationPayload,
    description: "Adds an integration; its client secret and password are stored encrypted and never returned.",
    errors: ERRORS,
    authScopes: { apiKeyScope: "admin" },
    args: { input: t.arg({ type: CreateIntegrationInput, required: true, description: "The integration." }) },
    resolve: async (_root, { input }, context) => {
      const integration = await createIntegration(
        context.em,
        context.keyring,
        {
          ...input,
          grantType: input.grantType ?? "authorization_code",
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
          urlPolicy: { production: context.production },
        },
        context.now(),
      );
      return { integration };
    },
  }),
  updateIntegration: t.field({
    type: IntegrationPayload,
    description: "Changes an integration in place. An empty or omitted clientSecret or password keeps the stored one.",
    errors: ERRORS,
    authScopes: { apiKeyScope: "admin" },
    args: { input: t.arg({ type: UpdateIntegrationInput, required: true, description: "The changes." }) },
    resolve: async (_root, { input }, context) => {
      const { id, domain, clientId, grantType, scopes, ...rest } = input;
      const integration = await updateIntegration(
        context.em,
        context.keyring,
        {
          integrationId: rowId(id, "Integration"),
          organizationId: context.principal.organizationId,
          // These have no "cleared" state: null leaves them as they are. tokenUrl: null is refused as required.
          changes: {
            ...definedFields(rest),
            ...(domain != null ? { domain } : {}),
            ...(clientId != null ? { clientId } : {}),
            ...(grantType != null ? { grantType } : {}),
            ...(scopes != null ? { scopes } : {}),
          },
          actor: actorOf(context.principal),
          urlPolicy: { production: context.production },
        },
        context.now(),
      );
      return { integration };
    },
  }),
  deleteIntegration: t.field({
    type: DeleteIntegrationPayload,
    description:
      "Deletes an integration with its connections, revoking their tokens upstream first when the integration has a " +
      "revocation URL; webhooks authenticated with it keep signatures only.",
    errors: ERRORS,
    authScopes: { apiKeyScope: "admin" },
    args: { id: t.arg.globalID({ required: true, description: "The integration." }) },
    resolve: async (_root, args, context) => {
      const integrationId = rowId(args.id, "Integration");
      await deleteIntegration(
        context.em,
        context.keyring,
        context.upstreamNetwork,
        { integrationId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
        { logger: context.logger },
      );
      return { id: encodeGlobalID("Integration", integrationId) };
    },
  }),
  testIntegration: t.field({
    type: TestIntegrationPayload,
    description:
      "Requests a token with the integration's credentials and reports the upstream's answer (for the authorization " +
      "code grant, checks that the token endpoint accepts the client). Stores nothing.",
    errors: ERRORS,
    authScopes: { apiKeyScope: "admin" },
    args: { integrationId: t.arg.globalID({ required: true, description: "The integration to test." }) },
    resolve: async (_root, args, context) => {
      const integrationId = rowId(args.integrationId, "Integration");
      const result = await testIntegration(
        context.em,
        context.keyring,
        context.upstreamNetwork,
        { integrationId, organizationId: context.principal.organizationId },
        context.now(),
      );
      return { ...result, integration: integrationId };
    },
  }),
}));
