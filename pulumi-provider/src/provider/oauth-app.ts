/**
 * The OAuthApp dynamic provider: an OAuth app with its redirect URIs, scopes, grant types, token settings and
 * branding; its client secret is an output (declared secret by the resource) and rotates in place.
 *
 * Serialized into the Pulumi state: no runtime imports besides the other provider modules, globals only, and no
 * settings captured (they live on `this.settings`, filled by `configure()` in the engine's host process).
 */
import { APP_SECRETS_FIELD, type AppSecret, type LiveAppSecret, liveAppSecret, mintAppSecret } from "./app-secret.ts";
import { type ErrorSubject, graphql, isNotFound, type LatchSettings, latchError, resolveSettings } from "./client.ts";
import {
  changedProperties,
  checkSettingsOf,
  diffResult,
  engineFacing,
  inOrderOf,
  mutate,
  nullish,
  type ProviderConfig,
  type ProviderState,
  partialCreateError,
  settingsOf,
} from "./common.ts";
import {
  allowedScopesProblems,
  appNameProblem,
  colorProblem,
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  type Failure,
  grantTypesProblems,
  isUnknown,
  maxLengthProblem,
  optionalText,
  publicUrlProblem,
  redirectUrisProblems,
  resourceServerProblem,
  rotationOverlapProblem,
  rotationOverlapSeconds,
  secondsProblem,
  tokenEndpointAuthMethodProblem,
  UNKNOWN,
  uniqueList,
} from "./rules.ts";
import { undefinedScopeFailures } from "./scope-catalogue.ts";

export type OAuthAppType = "confidential" | "public";
export type AccessTokenFormat = "jwt" | "opaque";
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post" | "any";

/** What a program declares. Omitted settings take the server's defaults. */
export type OAuthAppInputs = {
  /** Shown on the login and consent pages; unique in the organization. Changes in place. */
  name: string;
  description?: string | null;
  /** `confidential` (default) or `public`. The only property whose change replaces the app. */
  type?: OAuthAppType;
  redirectUris?: string[];
  /** Scopes the app may request (built-in or the organization's custom ones). */
  scopes?: string[];
  /** Default `authorization_code`, `refresh_token`. */
  grantTypes?: string[];
  allowPasswordGrant?: boolean;
  accessTokenFormat?: AccessTokenFormat;
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  refreshTokenRotation?: boolean;
  refreshReuseInterval?: number;
  /** The one client authentication method of a confidential app, or `any` (default). Public apps keep `any`. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Default false; true lets the app introspect every token of the organization, not only its own. */
  isResourceServer?: boolean;
  logoUrl?: string | null;
  primaryColor?: string | null;
  secondaryColor?: string | null;
  homepageUrl?: string | null;
  privacyPolicyUrl?: string | null;
  termsOfServiceUrl?: string | null;
  /** Default true; false disables the app (and revokes its tokens and grants). */
  enabled?: boolean;
  /**
   * Take over an existing app of the same name instead of failing on the name conflict. An app another stack
   * manages (its `managedBy` marker names another stack) is refused unless `"force"`.
   */
  adopt?: boolean | "force";
  /**
   * The stack that manages the app, `pulumi:<org>/<project>/<stack>`: recorded on the app (its `managedBy`) at
   * create and adopt. The OAuthApp resource fills it in from the running stack.
   */
  managedBy?: string | null;
  /**
   * Delete leaves the app in place and clears its `managedBy` marker, so another stack can adopt it. The OAuthApp
   * resource sets it from the `retainOnDelete` resource option.
   */
  retainOnDelete?: boolean;
  /** Any string; changing it rotates the client secret in place. */
  rotation?: string | null;
  /** How long the previous secret keeps working after a rotation: seconds or `30m`, `24h`, `7d`. Default 24h. */
  rotationOverlap?: number | string;
};

/** The checked inputs: every property present, defaults filled in, lists deduplicated. */
export type OAuthAppDesired = {
  name: string;
  description: string | null;
  type: OAuthAppType;
  redirectUris: string[];
  scopes: string[];
  grantTypes: string[];
  allowPasswordGrant: boolean;
  accessTokenFormat: AccessTokenFormat;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshTokenRotation: boolean;
  refreshReuseInterval: number;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  isResourceServer: boolean;
  logoUrl: string | null;
  primaryColor: string | null;
  secondaryColor: string | null;
  homepageUrl: string | null;
  privacyPolicyUrl: string | null;
  termsOfServiceUrl: string | null;
  enabled: boolean;
  adopt: boolean | "force";
  managedBy: string | null;
  retainOnDelete: boolean;
  rotation: string | null;
  rotationOverlap: number;
};

/** The state: the checked inputs as the server has them, plus what the server assigned. */
export type OAuthAppOutputs = OAuthAppDesired & {
  clientId: string;
  /** The current client secret (null for public apps). Declared secret: encrypted in the state. */
  clientSecret: string | null;
  clientSecretLast4: string | null;
  /** The global id of the client secret this resource manages: a rotation replaces it alone. */
  clientSecretId: string | null;
  /** When the secrets a rotation replaced stop working; null before any rotation. */
  previousSecretsExpireAt: string | null;
};

export const OAUTH_APP_DEFAULTS = {
  type: "confidential",
  grantTypes: ["authorization_code", "refresh_token"],
  allowPasswordGrant: false,
  accessTokenFormat: "jwt",
  accessTokenTtl: 604_800,
  refreshTokenTtl: 2_592_000,
  refreshTokenRotation: true,
  refreshReuseInterval: 0,
  tokenEndpointAuthMethod: "any",
  isResourceServer: false,
  enabled: true,
  rotationOverlap: DEFAULT_ROTATION_OVERLAP_SECONDS,
} as const;

/** Properties compared by diff; every one but `type` changes in place. */
const DIFFED = [
  "name",
  "description",
  "type",
  "redirectUris",
  "scopes",
  "grantTypes",
  "allowPasswordGrant",
  "accessTokenFormat",
  "accessTokenTtl",
  "refreshTokenTtl",
  "refreshTokenRotation",
  "refreshReuseInterval",
  "tokenEndpointAuthMethod",
  "isResourceServer",
  "logoUrl",
  "primaryColor",
  "secondaryColor",
  "homepageUrl",
  "privacyPolicyUrl",
  "termsOfServiceUrl",
  "enabled",
  "managedBy",
  "retainOnDelete",
  "rotation",
] as const;
const UNORDERED = ["redirectUris", "scopes", "grantTypes"];
const REPLACE_ON = ["type"];

/** Settings updateApplication changes, by input name → API name. */
const SETTINGS: readonly (readonly [keyof OAuthAppDesired, string])[] = [
  ["name", "name"],
  ["description", "description"],
  ["scopes", "allowedScopes"],
  ["grantTypes", "grantTypes"],
  ["allowPasswordGrant", "allowPasswordGrant"],
  ["accessTokenFormat", "accessTokenFormat"],
  ["accessTokenTtl", "accessTokenTtl"],
  ["refreshTokenTtl", "refreshTokenTtl"],
  ["refreshTokenRotation", "refreshTokenRotation"],
  ["refreshReuseInterval", "refreshReuseInterval"],
  ["tokenEndpointAuthMethod", "tokenEndpointAuthMethod"],
  ["isResourceServer", "isResourceServer"],
  ["logoUrl", "logoUrl"],
  ["primaryColor", "primaryColor"],
  ["secondaryColor", "secondaryColor"],
  ["homepageUrl", "homepageUrl"],
  ["privacyPolicyUrl", "privacyPolicyUrl"],
  ["termsOfServiceUrl", "termsOfServiceUrl"],
];

/** Server field names the inputs spell differently, so errors name the input the user wrote. */
const FIELD_NAMES = { allowedScopes: "scopes", applicationId: "id", overlapSeconds: "rotationOverlap" };

const APP_FIELDS = `
fragment AppFields on Application {
  id clientId name description type grantTypes allowPasswordGrant allowedScopes accessTokenFormat
  accessTokenTtl refreshTokenTtl refreshTokenRotation refreshReuseInterval tokenEndpointAuthMethod isResourceServer
  logoUrl primaryColor secondaryColor homepageUrl privacyPolicyUrl termsOfServiceUrl isActive managedBy
  redirectUris { id uri } ${APP_SECRETS_FIELD}
}`;

/** An app as the control plane answers it (`application { ...AppFields }`). */
export type LiveApp = {
  id: string;
  clientId: string;
  name: string;
  description: string | null;
  type: "CONFIDENTIAL" | "PUBLIC";
  grantTypes: string[];
  allowPasswordGrant: boolean;
  allowedScopes: string[];
  accessTokenFormat: "JWT" | "OPAQUE";
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshTokenRotation: boolean;
  refreshReuseInterval: number;
  /** Null for public apps. */
  tokenEndpointAuthMethod: "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST" | "ANY" | null;
  isResourceServer: boolean;
  logoUrl: string | null;
  primaryColor: string | null;
  secondaryColor: string | null;
  homepageUrl: string | null;
  privacyPolicyUrl: string | null;
  termsOfServiceUrl: string | null;
  isActive: boolean;
  managedBy: string | null;
  redirectUris: { id: string; uri: string }[];
  clientSecrets: LiveAppSecret[];
};

function subjectOf(inputs: { name?: unknown } | undefined, id?: string): ErrorSubject {
  const name = typeof inputs?.name === "string" && inputs.name !== UNKNOWN ? inputs.name : id;
  return { resource: `OAuthApp${name ? ` "${name}"` : ""}`, fields: FIELD_NAMES };
}

function bool(value: unknown, fallback: boolean): boolean {
  return value === undefined || value === null ? fallback : (value as boolean);
}

function num(value: unknown, fallback: number): number {
  return value === undefined || value === null ? fallback : (value as number);
}

/** Inputs with the server's defaults filled in; unknown values stay unknown. */
export function normalizeOAuthApp(news: Partial<OAuthAppInputs>): OAuthAppDesired {
  const color = (value: unknown) => {
    const text = optionalText(value);
    return text === null || text === UNKNOWN ? text : text.toLowerCase();
  };
  return {
    name: typeof news.name === "string" && news.name !== UNKNOWN ? news.name.trim() : (news.name as string),
    description: optionalText(news.description),
    type: (news.type ?? OAUTH_APP_DEFAULTS.type) as OAuthAppType,
    redirectUris: uniqueList(news.redirectUris ?? []) as string[],
    scopes: uniqueList(news.scopes ?? []) as string[],
    grantTypes: uniqueList(news.grantTypes ?? OAUTH_APP_DEFAULTS.grantTypes) as string[],
    allowPasswordGrant: bool(news.allowPasswordGrant, OAUTH_APP_DEFAULTS.allowPasswordGrant),
    accessTokenFormat: (news.accessTokenFormat ?? OAUTH_APP_DEFAULTS.accessTokenFormat) as AccessTokenFormat,
    accessTokenTtl: num(news.accessTokenTtl, OAUTH_APP_DEFAULTS.accessTokenTtl),
    refreshTokenTtl: num(news.refreshTokenTtl, OAUTH_APP_DEFAULTS.refreshTokenTtl),
    refreshTokenRotation: bool(news.refreshTokenRotation, OAUTH_APP_DEFAULTS.refreshTokenRotation),
    refreshReuseInterval: num(news.refreshReuseInterval, OAUTH_APP_DEFAULTS.refreshReuseInterval),
    tokenEndpointAuthMethod: (news.tokenEndpointAuthMethod ??
      OAUTH_APP_DEFAULTS.tokenEndpointAuthMethod) as TokenEndpointAuthMethod,
    isResourceServer: bool(news.isResourceServer, OAUTH_APP_DEFAULTS.isResourceServer),
    logoUrl: optionalText(news.logoUrl),
    primaryColor: color(news.primaryColor),
    secondaryColor: color(news.secondaryColor),
    homepageUrl: optionalText(news.homepageUrl),
    privacyPolicyUrl: optionalText(news.privacyPolicyUrl),
    termsOfServiceUrl: optionalText(news.termsOfServiceUrl),
    enabled: bool(news.enabled, OAUTH_APP_DEFAULTS.enabled),
    adopt: news.adopt === "force" ? "force" : bool(news.adopt, false),
    managedBy: optionalText(news.managedBy),
    retainOnDelete: bool(news.retainOnDelete, false),
    rotation: news.rotation === undefined || news.rotation === null ? null : String(news.rotation),
    rotationOverlap: rotationOverlapSeconds(news.rotationOverlap),
  };
}

/** Every rule the server applies to these inputs that can be checked without it, all failures at once. */
export function validateOAuthApp(news: Partial<OAuthAppInputs>, desired: OAuthAppDesired): Failure[] {
  const failures: Failure[] = [];
  const add = (property: string, reason: string | undefined) => {
    if (reason !== undefined) failures.push({ property, reason });
  };
  const known = (property: keyof OAuthAppDesired) => !isUnknown(desired[property]);
  if (known("name")) add("name", appNameProblem(news.name));
  if (known("type") && desired.type !== "confidential" && desired.type !== "public") {
    add("type", `type must be "confidential" or "public"`);
  }
  for (const property of ["redirectUris", "scopes", "grantTypes"] as const) {
    const value = news[property];
    if (value !== undefined && value !== null && (value as unknown) !== UNKNOWN && !Array.isArray(value)) {
      add(property, `${property} must be a list of strings`);
    }
  }
  for (const reason of redirectUrisProblems(desired.redirectUris)) add("redirectUris", reason);
  for (const reason of allowedScopesProblems(desired.scopes)) add("scopes", reason);
  if (!isUnknown(desired.grantTypes)) {
    const type = isUnknown(desired.type) ? undefined : desired.type;
    const allowPassword = isUnknown(desired.allowPasswordGrant) ? undefined : desired.allowPasswordGrant;
    for (const reason of grantTypesProblems(desired.grantTypes, type, allowPassword)) add("grantTypes", reason);
  }
  for (const property of [
    "allowPasswordGrant",
    "refreshTokenRotation",
    "isResourceServer",
    "enabled",
    "retainOnDelete",
  ] as const) {
    if (known(property) && typeof desired[property] !== "boolean") add(property, `${property} must be true or false`);
  }
  if (known("adopt") && typeof desired.adopt !== "boolean" && desired.adopt !== "force") {
    add("adopt", `adopt must be true, false or "force"`);
  }
  if (known("managedBy")) add("managedBy", maxLengthProblem("managedBy", desired.managedBy, 200));
  if (known("accessTokenFormat") && desired.accessTokenFormat !== "jwt" && desired.accessTokenFormat !== "opaque") {
    add("accessTokenFormat", `accessTokenFormat must be "jwt" or "opaque"`);
  }
  if (known("tokenEndpointAuthMethod") || known("isResourceServer")) {
    const type = known("type") ? desired.type : undefined;
    if (known("tokenEndpointAuthMethod")) {
      add("tokenEndpointAuthMethod", tokenEndpointAuthMethodProblem(desired.tokenEndpointAuthMethod, type));
    }
    if (known("isResourceServer")) add("isResourceServer", resourceServerProblem(desired.isResourceServer, type));
  }
  if (known("accessTokenTtl"))
    add("accessTokenTtl", secondsProblem("accessTokenTtl", desired.accessTokenTtl, 60, 31_536_000));
  if (known("refreshTokenTtl")) {
    add("refreshTokenTtl", secondsProblem("refreshTokenTtl", desired.refreshTokenTtl, 60, 31_536_000));
  }
  if (known("refreshReuseInterval")) {
    add("refreshReuseInterval", secondsProblem("refreshReuseInterval", desired.refreshReuseInterval, 0, 60));
  }
  for (const property of ["primaryColor", "secondaryColor"] as const) {
    if (known(property)) add(property, colorProblem(property, desired[property]));
  }
  for (const property of ["logoUrl", "homepageUrl", "privacyPolicyUrl", "termsOfServiceUrl"] as const) {
    if (known(property)) add(property, publicUrlProblem(property, desired[property]));
  }
  if (known("rotationOverlap")) add("rotationOverlap", rotationOverlapProblem(desired.rotationOverlap));
  if (known("rotation") && known("type") && desired.rotation !== null && desired.type === "public") {
    add("rotation", "public applications have no client secret to rotate");
  }
  return failures;
}

export function fromLive(
  app: LiveApp,
): Omit<OAuthAppDesired, "adopt" | "retainOnDelete" | "rotation" | "rotationOverlap"> & { clientId: string } {
  return {
    name: app.name,
    description: app.description,
    type: app.type.toLowerCase() as OAuthAppType,
    redirectUris: app.redirectUris.map((redirect) => redirect.uri),
    scopes: app.allowedScopes,
    grantTypes: app.grantTypes,
    allowPasswordGrant: app.allowPasswordGrant,
    accessTokenFormat: app.accessTokenFormat.toLowerCase() as AccessTokenFormat,
    accessTokenTtl: app.accessTokenTtl,
    refreshTokenTtl: app.refreshTokenTtl,
    refreshTokenRotation: app.refreshTokenRotation,
    refreshReuseInterval: app.refreshReuseInterval,
    tokenEndpointAuthMethod: (app.tokenEndpointAuthMethod?.toLowerCase() ?? "any") as TokenEndpointAuthMethod,
    isResourceServer: app.isResourceServer,
    logoUrl: app.logoUrl,
    primaryColor: app.primaryColor,
    secondaryColor: app.secondaryColor,
    homepageUrl: app.homepageUrl,
    privacyPolicyUrl: app.privacyPolicyUrl,
    termsOfServiceUrl: app.termsOfServiceUrl,
    enabled: app.isActive,
    managedBy: app.managedBy,
    clientId: app.clientId,
  };
}

function apiValue(property: keyof OAuthAppDesired, value: unknown): unknown {
  const enumerated = property === "accessTokenFormat" || property === "tokenEndpointAuthMethod";
  return enumerated && typeof value === "string" ? value.toUpperCase() : value;
}

/** The organization's app by global id (or, with `by: "clientId"`, by client id), or null when there is none. */
export async function fetchApp(
  settings: LatchSettings,
  id: string,
  subject: ErrorSubject,
  by: "id" | "clientId" = "id",
): Promise<LiveApp | null> {
  try {
    const data = await graphql<{ application: LiveApp | null }>(
      settings,
      by === "id"
        ? `query LatchPulumiApp($id: ID!) { application(id: $id) { ...AppFields } } ${APP_FIELDS}`
        : `query LatchPulumiAppByClientId($id: String!) { application(clientId: $id) { ...AppFields } } ${APP_FIELDS}`,
      { id },
      { subject, idempotent: true },
    );
    return data.application;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** The organization's app of that name, or null. */
export async function findAppByName(
  settings: LatchSettings,
  name: string,
  subject: ErrorSubject,
): Promise<LiveApp | null> {
  let after: string | null = null;
  for (;;) {
    const data: {
      applications: {
        edges: { node: { id: string; name: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await graphql(
      settings,
      `query LatchPulumiAppNames($after: String) {
        applications(first: 100, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } }
      }`,
      { after },
      { subject, idempotent: true },
    );
    const found = data.applications.edges.find((edge) => edge.node.name === name);
    if (found) return fetchApp(settings, found.node.id, subject);
    if (!data.applications.pageInfo.hasNextPage) return null;
    after = data.applications.pageInfo.endCursor;
  }
}

/**
 * Brings a live app to the desired settings: one updateApplication with every changed setting, redirect URIs added
 * before stale ones are removed (an app is never left without its callback), then enabled/disabled.
 */
async function reconcile(
  settings: LatchSettings,
  live: LiveApp,
  desired: OAuthAppDesired,
  subject: ErrorSubject,
): Promise<LiveApp> {
  const current = fromLive(live);
  const changes: Record<string, unknown> = {};
  for (const [property, apiName] of SETTINGS) {
    const unordered = UNORDERED.includes(property);
    if (changedProperties(current, desired, [property], unordered ? [property] : []).length > 0) {
      changes[apiName] = apiValue(property, desired[property]);
    }
  }
  // The stack marker: written when the program knows its stack, never cleared by an update.
  if (desired.managedBy !== null && live.managedBy !== desired.managedBy) changes.managedBy = desired.managedBy;
  let app = live;
  if (Object.keys(changes).length > 0) {
    const payload = await mutate<{ application: LiveApp }>(
      settings,
      "updateApplication",
      `mutation LatchPulumiUpdateApp($input: UpdateApplicationInput!) {
        updateApplication(input: $input) { __typename ...MutationErrors ... on ApplicationPayload { application { ...AppFields } } }
      } ${APP_FIELDS}`,
      { input: { id: live.id, ...changes } },
      subject,
      true,
    );
    app = payload.application;
  }
  const have = new Set(app.redirectUris.map((redirect) => redirect.uri));
  for (const uri of desired.redirectUris.filter((uri) => !have.has(uri))) {
    await mutate(
      settings,
      "addRedirectUri",
      `mutation LatchPulumiAddRedirectUri($applicationId: ID!, $uri: String!) {
        addRedirectUri(applicationId: $applicationId, uri: $uri) { __typename ...MutationErrors }
      }`,
      { applicationId: live.id, uri },
      { ...subject, property: "redirectUris" },
    );
  }
  for (const stale of app.redirectUris.filter((redirect) => !desired.redirectUris.includes(redirect.uri))) {
    try {
      await mutate(
        settings,
        "removeRedirectUri",
        `mutation LatchPulumiRemoveRedirectUri($id: ID!) { removeRedirectUri(id: $id) { __typename ...MutationErrors } }`,
        { id: stale.id },
        { ...subject, property: "redirectUris" },
        true,
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  if (app.isActive !== desired.enabled) {
    await mutate(
      settings,
      "setApplicationActive",
      `mutation LatchPulumiSetActive($id: ID!, $active: Boolean!) {
        setApplicationActive(id: $id, active: $active) { __typename ...MutationErrors }
      }`,
      { id: live.id, active: desired.enabled },
      { ...subject, property: "enabled" },
      true,
    );
  }
  const refreshed = await fetchApp(settings, live.id, subject);
  if (!refreshed) throw new Error(`${subject.resource}: the app disappeared while it was being updated`);
  return refreshed;
}

/**
 * The stack that manages `live` when it is not this one (nor unmanaged), unless the program forces the takeover:
 * another stack's app is never rewritten, nor its secret rotated, by accident.
 */
function foreignStackProblem(
  live: LiveApp,
  desired: Pick<OAuthAppDesired, "adopt" | "managedBy">,
  subject: ErrorSubject,
): Error | undefined {
  if (live.managedBy === null || live.managedBy === desired.managedBy || desired.adopt === "force") return undefined;
  return latchError(
    { ...subject, property: "adopt" },
    `the app is managed by ${live.managedBy}${desired.managedBy ? `, not ${desired.managedBy}` : ""}; set \`adopt: "force"\` to take it over (the other stack then no longer manages it)`,
    { code: "MANAGED_ELSEWHERE" },
  );
}

/** Clears the stack marker, if it is still ours: the app stays, and another stack may adopt it. */
async function release(settings: LatchSettings, id: string, managedBy: string | null, subject: ErrorSubject) {
  const live = await fetchApp(settings, id, subject);
  if (!live || live.managedBy === null || live.managedBy !== managedBy) return;
  await mutate(
    settings,
    "updateApplication",
    `mutation LatchPulumiReleaseApp($input: UpdateApplicationInput!) {
      updateApplication(input: $input) { __typename ...MutationErrors }
    }`,
    { input: { id, managedBy: null } },
    subject,
    true,
  );
}

function outputsOf(
  app: LiveApp,
  desired: Pick<OAuthAppDesired, "adopt" | "retainOnDelete" | "rotation" | "rotationOverlap"> &
    Partial<Record<"redirectUris" | "scopes" | "grantTypes", unknown>>,
  secret: AppSecret,
): OAuthAppOutputs {
  const live = fromLive(app);
  return nullish({
    ...live,
    // The server keeps these as sets: the program's order, so a refresh shows only real changes.
    redirectUris: inOrderOf(live.redirectUris, desired.redirectUris),
    scopes: inOrderOf(live.scopes, desired.scopes),
    grantTypes: inOrderOf(live.grantTypes, desired.grantTypes),
    adopt: desired.adopt,
    retainOnDelete: desired.retainOnDelete,
    rotation: desired.rotation,
    rotationOverlap: desired.rotationOverlap,
    clientSecret: live.type === "public" ? null : secret.clientSecret,
    clientSecretLast4: live.type === "public" || !secret.clientSecret ? null : secret.clientSecret.slice(-4),
    clientSecretId: live.type === "public" ? null : secret.clientSecretId,
    previousSecretsExpireAt: secret.previousSecretsExpireAt,
  }) as OAuthAppOutputs;
}

/** A fresh provider object; its settings stay empty until the engine's host calls `configure()`. */
export function createOAuthAppProvider() {
  const provider = {
    settings: undefined as LatchSettings | undefined,

    async configure(request: { config: ProviderConfig }): Promise<void> {
      (this as ProviderState).settings = resolveSettings(request.config);
    },

    async check(_olds: Partial<OAuthAppOutputs>, news: Partial<OAuthAppInputs>) {
      const desired = normalizeOAuthApp(news);
      const failures = validateOAuthApp(news, desired);
      if (!failures.some((failure) => failure.property === "scopes") && Array.isArray(desired.scopes)) {
        const settings = checkSettingsOf(this as ProviderState);
        failures.push(...(await undefinedScopeFailures(settings, desired.scopes, subjectOf(desired).resource)));
      }
      // Structs cannot carry undefined: a missing required input is null (and a failure) instead.
      return { inputs: nullish(desired) as OAuthAppDesired, failures };
    },

    async diff(_id: string, olds: Partial<OAuthAppOutputs>, news: OAuthAppDesired) {
      const changed = changedProperties(olds, news, DIFFED, UNORDERED);
      // The managed secret stopped working (refresh saw it revoked or expired): the update mints another.
      if (olds.clientId && olds.type === "confidential" && news.type === "confidential" && !olds.clientSecret) {
        changed.push("clientSecret");
      }
      const result = diffResult(changed, REPLACE_ON);
      // A new type is a new app with a new client id, under the same unique name: the old one must go first.
      if (!result.replaces.includes("type")) return result;
      return {
        ...result,
        replaces: [...result.replaces, "clientId"],
        diffs: [...result.diffs, "clientId"],
        deleteBeforeReplace: true,
      };
    },

    async create(inputs: OAuthAppDesired): Promise<{ id: string; outs: OAuthAppOutputs }> {
      const subject = subjectOf(inputs);
      const settings = settingsOf(this as ProviderState, subject);
      if (inputs.adopt) {
        const existing = await findAppByName(settings, inputs.name, subject);
        if (existing) {
          const foreign = foreignStackProblem(existing, inputs, subject);
          if (foreign) throw foreign;
          if (existing.type.toLowerCase() !== inputs.type) {
            throw new Error(
              `${subject.resource}: type: cannot adopt the existing ${existing.type.toLowerCase()} app as ${inputs.type} (the type cannot change in place)`,
            );
          }
          const app = await reconcile(settings, existing, inputs, subject);
          let secret: AppSecret = { clientSecret: null, clientSecretId: null, previousSecretsExpireAt: null };
          if (inputs.type === "confidential") {
            try {
              // The app's current secrets are not ours to read, nor ours to expire (ClientSecret resources, other
              // deploys): mint one beside them.
              secret = await mintAppSecret(settings, app.id, null, inputs.rotationOverlap, "Adopted by Pulumi", {
                ...subject,
                property: "adopt",
              });
            } catch (error) {
              throw partialCreateError(error, app.id, outputsOf(app, inputs, secret));
            }
          }
          return { id: app.id, outs: outputsOf(app, inputs, secret) };
        }
      }
      const create: Record<string, unknown> = {
        name: inputs.name,
        type: inputs.type.toUpperCase(),
        redirectUris: inputs.redirectUris,
      };
      for (const [property, apiName] of SETTINGS) {
        if (property !== "name" && property !== "refreshTokenRotation") {
          create[apiName] = apiValue(property, inputs[property]);
        }
      }
      let created: { clientSecret: string | null; application: LiveApp };
      try {
        created = await mutate(
          settings,
          "createApplication",
          `mutation LatchPulumiCreateApp($input: CreateApplicationInput!) {
            createApplication(input: $input) {
              __typename ...MutationErrors ... on CreateApplicationPayload { clientSecret application { ...AppFields } }
            }
          } ${APP_FIELDS}`,
          { input: create },
          subject,
        );
      } catch (error) {
        if ((error as { code?: string }).code === "CONFLICT" && (error as { property?: string }).property === "name") {
          (error as Error).message += " (set `adopt: true` to take over the existing app)";
        }
        throw error;
      }
      // A new app has one secret: the one this resource manages.
      const secret: AppSecret = {
        clientSecret: created.clientSecret,
        clientSecretId: created.application.clientSecrets[0]?.id ?? null,
        previousSecretsExpireAt: null,
      };
      try {
        // What createApplication cannot set (refresh token rotation, a disabled app) is applied right after.
        const app = await reconcile(settings, created.application, inputs, subject);
        return { id: app.id, outs: outputsOf(app, inputs, secret) };
      } catch (error) {
        throw partialCreateError(error, created.application.id, outputsOf(created.application, inputs, secret));
      }
    },

    async read(id: string, props?: Partial<OAuthAppOutputs>) {
      const subject = subjectOf(props, id);
      const settings = settingsOf(this as ProviderState, subject);
      const app = await fetchApp(settings, id, subject);
      if (!app) return { id: "" };
      const carried = normalizeOAuthApp({
        name: app.name,
        adopt: props?.adopt ?? false,
        retainOnDelete: props?.retainOnDelete ?? false,
        rotation: props?.rotation ?? null,
        rotationOverlap: props?.rotationOverlap ?? OAUTH_APP_DEFAULTS.rotationOverlap,
      });
      // A secret revoked by hand or expired shows as gone (null), and the next up mints another.
      const outs = outputsOf(
        app,
        { ...carried, redirectUris: props?.redirectUris, scopes: props?.scopes, grantTypes: props?.grantTypes },
        liveAppSecret(app.clientSecrets, {
          clientSecret: props?.clientSecret ?? null,
          clientSecretId: props?.clientSecretId ?? null,
          previousSecretsExpireAt: props?.previousSecretsExpireAt ?? null,
        }),
      );
      const {
        clientId: _clientId,
        clientSecret: _secret,
        clientSecretLast4: _last4,
        clientSecretId: _secretId,
        previousSecretsExpireAt: _p,
        ...inputs
      } = outs;
      return { id: app.id, props: outs, inputs };
    },

    async update(id: string, olds: OAuthAppOutputs, news: OAuthAppDesired): Promise<{ outs: OAuthAppOutputs }> {
      const subject = subjectOf(news, id);
      const settings = settingsOf(this as ProviderState, subject);
      const live = await fetchApp(settings, id, subject);
      if (!live) throw new Error(`${subject.resource}: the app ${id} no longer exists (run \`pulumi refresh\`)`);
      if (live.type.toLowerCase() !== news.type) {
        throw new Error(`${subject.resource}: type: the type cannot change in place; the app must be replaced`);
      }
      const foreign = foreignStackProblem(live, news, subject);
      if (foreign) throw foreign;
      const app = await reconcile(settings, live, news, subject);
      let secret = liveAppSecret(app.clientSecrets, {
        clientSecret: olds.clientSecret ?? null,
        clientSecretId: olds.clientSecretId ?? null,
        previousSecretsExpireAt: olds.previousSecretsExpireAt ?? null,
      });
      // A new rotation value rotates (the managed secret alone); removing it only forgets the trigger. A managed
      // secret that stopped working (revoked by hand, expired) is replaced.
      const rotated = news.rotation !== null && news.rotation !== (olds.rotation ?? null);
      if (news.type === "confidential" && (rotated || secret.clientSecret === null)) {
        const label = rotated
          ? `Rotated by Pulumi (${news.rotation})`
          : "Re-minted by Pulumi (the previous one stopped working)";
        const replacing = secret.clientSecret === null ? null : secret.clientSecretId;
        secret = await mintAppSecret(settings, id, replacing, news.rotationOverlap, label, {
          ...subject,
          property: "rotation",
        });
      }
      return { outs: outputsOf(app, news, secret) };
    },

    async delete(id: string, props: Partial<OAuthAppOutputs>): Promise<void> {
      const subject = subjectOf(props, id);
      const settings = settingsOf(this as ProviderState, subject);
      if (props.retainOnDelete) {
        await release(settings, id, props.managedBy ?? null, subject);
        return;
      }
      try {
        await mutate(
          settings,
          "deleteApplication",
          `mutation LatchPulumiDeleteApp($id: ID!) { deleteApplication(id: $id) { __typename ...MutationErrors } }`,
          { id },
          subject,
          true,
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
  return engineFacing(provider, ["clientSecret"]);
}

export type OAuthAppProvider = ReturnType<typeof createOAuthAppProvider>;
