import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  ACCESS_TOKEN_TTL,
  describeSeconds,
  REFRESH_REUSE_INTERVAL,
  REFRESH_TOKEN_TTL,
} from "../../db/entities/application-settings.ts";
import type { Application } from "../../db/entities/index.ts";
import { definedFields } from "../../defined-fields.ts";
import { createApplication } from "../../services/applications/create-application.ts";
import { deleteApplication } from "../../services/applications/delete-application.ts";
import { setApplicationActive } from "../../services/applications/set-application-active.ts";
import { updateApplication } from "../../services/applications/update-application.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import {
  AccessTokenFormatEnum,
  ApplicationNode,
  ApplicationTypeEnum,
  TokenEndpointAuthMethodEnum,
} from "../types/application.ts";

const settingsFields = (t: Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0]) => ({
  description: t.string({ required: false, description: "What the app is for." }),
  allowedScopes: t.stringList({
    required: false,
    description: "Scopes the app may request (built-in or the organization's).",
  }),
  grantTypes: t.stringList({
    required: false,
    description: "authorization_code, refresh_token, client_credentials, password.",
  }),
  allowPasswordGrant: t.boolean({ required: false, description: "Opt in to the password grant." }),
  accessTokenFormat: t.field({ type: AccessTokenFormatEnum, required: false, description: "JWT (default) or opaque." }),
  accessTokenTtl: t.int({ required: false, description: describeSeconds(ACCESS_TOKEN_TTL) }),
  refreshTokenTtl: t.int({ required: false, description: describeSeconds(REFRESH_TOKEN_TTL) }),
  refreshReuseInterval: t.int({
    required: false,
    description: `${describeSeconds(REFRESH_REUSE_INTERVAL)} 0 is strict: a rotated-out refresh token presented again revokes its family.`,
  }),
  tokenEndpointAuthMethod: t.field({
    type: TokenEndpointAuthMethodEnum,
    required: false,
    description: "Pin a confidential app to one client authentication method (default ANY). Public apps keep ANY.",
  }),
  isResourceServer: t.boolean({
    required: false,
    description: "Let this confidential app introspect every token of the organization (default false: only its own).",
  }),
  logoUrl: t.string({ required: false, description: "https URL of the logo." }),
  primaryColor: t.string({ required: false, description: "#rrggbb" }),
  secondaryColor: t.string({ required: false, description: "#rrggbb" }),
  homepageUrl: t.string({ required: false, description: "https URL." }),
  privacyPolicyUrl: t.string({ required: false, description: "https URL." }),
  termsOfServiceUrl: t.string({ required: false, description: "https URL." }),
});

const CreateApplicationInput = builder.inputType("CreateApplicationInput", {
  description: "A new OAuth app.",
  fields: (t) => ({
    name: t.string({ required: true, description: "1 to 100 characters, unique in the organization." }),
    type: t.field({ type: ApplicationTypeEnum, required: true, description: "Confidential or public." }),
    redirectUris: t.stringList({
      required: false,
      description: "Exact redirect URIs (https, loopback http, or a private-use scheme).",
    }),
    ...settingsFields(t),
  }),
});

const UpdateApplicationInput = builder.inputType("UpdateApplicationInput", {
  description: "Changes to an app; omitted fields stay as they are, null clears an optional one.",
  fields: (t) => ({
    id: t.globalID({ required: true, description: "The app." }),
    name: t.string({ required: false, description: "1 to 100 characters, unique in the organization." }),
    refreshTokenRotation: t.boolean({ required: false, description: "Return a new refresh token on each refresh." }),
    managedBy: t.string({
      required: false,
      description: "Which deployment manages the app (up to 200 characters); null or empty clears it.",
    }),
    ...settingsFields(t),
  }),
});

type Created = { application: Application; clientSecret: string | undefined };

const CreateApplicationPayload = builder.objectRef<Created>("CreateApplicationPayload").implement({
  description: "The new app and, for a confidential app, its first secret.",
  fields: (t) => ({
    application: t.field({ type: ApplicationNode, description: "The app.", resolve: (p) => p.application.id }),
    clientSecret: t.string({
      nullable: true,
      description: "The first client secret, shown only in this response. Null for public apps.",
      resolve: (p) => p.clientSecret ?? null,
    }),
  }),
});

export const ApplicationPayload = builder.objectRef<{ application: Application }>("ApplicationPayload").implement({
  description: "The app after the change.",
  fields: (t) => ({
    application: t.field({ type: ApplicationNode, description: "The app.", resolve: (p) => p.application.id }),
  }),
});

const DeleteApplicationPayload = builder.objectRef<{ id: string }>("DeleteApplicationPayload").implement({
  description: "The app is gone, with its secrets, grants and tokens.",
  fields: (t) => ({ deletedApplicationId: t.exposeID("id", { description: "The global id of the deleted app." }) }),
});

builder.mutationFields((t) => ({
  createApplication: t.field({
    type: CreateApplicationPayload,
    description: "Registers an OAuth app; a confidential app gets its first secret, shown once.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: { input: t.arg({ type: CreateApplicationInput, required: true, description: "The new app." }) },
    resolve: (_root, { input }, context) =>
      createApplication(
        context.em,
        {
          ...definedFields({ ...input, description: input.description ?? undefined }),
          name: input.name,
          type: input.type,
          redirectUris: input.redirectUris ?? [],
          organizationId: context.principal.organizationId,
          createdById: context.principal.userId,
          actor: actorOf(context.principal),
        } as Parameters<typeof createApplication>[1],
        context.now(),
      ),
  }),
  updateApplication: t.field({
    type: ApplicationPayload,
    description: "Changes an app's name, scopes, grant types, token settings or branding in place.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: { input: t.arg({ type: UpdateApplicationInput, required: true, description: "The app and its changes." }) },
    resolve: async (_root, { input }, context) => {
      const { id, ...changes } = input;
      const application = await updateApplication(
        context.em,
        {
          applicationId: rowId(id, "Application"),
          organizationId: context.principal.organizationId,
          changes: Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { application };
    },
  }),
  setApplicationActive: t.field({
    type: ApplicationPayload,
    description: "Enables or disables an app. Disabling revokes every code, token and grant of it at once.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      id: t.arg.globalID({ required: true, description: "The app." }),
      active: t.arg.boolean({ required: true, description: "true enables, false disables." }),
    },
    resolve: async (_root, args, context) => {
      const application = await setApplicationActive(
        context.em,
        {
          applicationId: rowId(args.id, "Application"),
          organizationId: context.principal.organizationId,
          active: args.active,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { application };
    },
  }),
  deleteApplication: t.field({
    type: DeleteApplicationPayload,
    description: "Deletes an app with its redirect URIs, secrets, grants and tokens.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: { id: t.arg.globalID({ required: true, description: "The app." }) },
    resolve: async (_root, args, context) => {
      const applicationId = rowId(args.id, "Application");
      await deleteApplication(
        context.em,
        { applicationId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("Application", applicationId) };
    },
  }),
}));
