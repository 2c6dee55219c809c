/**
 * The IdentityProvider dynamic provider: an upstream login ("Continue with ...") of an app. Its `clientSecret`
 * input is taken as a secret (the resource declares the output secret too) and is write-only on the server, which
 * shows its last four characters: `read` compares them to notice a secret changed by hand. `app` and `kind` cannot
 * change in place. Serialized into the state: no runtime imports besides the other provider modules, globals only.
 */
import { type ErrorSubject, type LatchSettings, resolveSettings } from "./client.ts";
import {
  changedProperties,
  deleteIdempotently,
  diffResult,
  engineFacing,
  fetchNode,
  inOrderOf,
  mutate,
  nullish,
  type ProviderConfig,
  type ProviderState,
  settingsOf,
} from "./common.ts";
import {
  clientSecretLast4,
  DEFAULT_PROVIDER_SCOPES,
  type Failure,
  httpsUrlProblem,
  IDENTITY_PROVIDER_KINDS,
  issuerProblem,
  isUnknown,
  maxLengthProblem,
  optionalText,
  UNKNOWN,
  uniqueList,
  upstreamClientIdProblem,
  upstreamClientSecretProblem,
  upstreamScopesProblem,
} from "./rules.ts";

export type IdentityProviderKind = "google" | "github" | "microsoft" | "apple" | "discord" | "oidc";

export type IdentityProviderInputs = {
  /** The app: an OAuthApp's `id`. A change replaces the provider. */
  app: string;
  /** The upstream service. A change replaces the provider. */
  kind: IdentityProviderKind;
  /** The app's client id at the upstream provider. */
  clientId: string;
  /** The upstream client secret (8 characters or more); pass it as a secret. Stored encrypted, never returned. */
  clientSecret: string;
  displayName?: string | null;
  /** The https OpenID Connect issuer; required for `oidc`. */
  issuer?: string | null;
  authorizationEndpoint?: string | null;
  tokenEndpoint?: string | null;
  userinfoEndpoint?: string | null;
  /** Scopes asked upstream; default the kind's usual ones. */
  scopes?: string[];
  /** Offer it on the login page (default true). */
  enabled?: boolean;
  /**
   * `apple` only, with `appleKeyId`: the developer team id. `clientSecret` is then the .p8 key (PEM) and Latch signs
   * a short-lived client secret for each sign-in, instead of a pasted one Apple expires within six months.
   */
  appleTeamId?: string | null;
  /** `apple` only, with `appleTeamId`: the id Apple gave the .p8 key. */
  appleKeyId?: string | null;
  /**
   * Take over the app's existing provider of this `kind` (an app has at most one of each; a retained one, one made
   * in the console): every input, the upstream secret included, is written to it.
   */
  adopt?: boolean;
};

export type IdentityProviderDesired = Required<{
  [K in keyof IdentityProviderInputs]: Exclude<IdentityProviderInputs[K], undefined>;
}>;

export type IdentityProviderOutputs = IdentityProviderDesired & { clientSecretLast4: string };

const URL_FIELDS = ["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint"] as const;
const DIFFED = [
  "app",
  "kind",
  "clientId",
  "clientSecret",
  "displayName",
  ...URL_FIELDS,
  "scopes",
  "enabled",
  "appleTeamId",
  "appleKeyId",
] as const;
const FIELDS = `id kind clientId clientSecretLast4 displayName issuer authorizationEndpoint tokenEndpoint
  userinfoEndpoint scopes enabled appleTeamId appleKeyId application { id }`;

type LiveProvider = {
  id: string;
  kind: string;
  clientId: string;
  clientSecretLast4: string;
  displayName: string | null;
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  scopes: string[];
  enabled: boolean;
  appleTeamId: string | null;
  appleKeyId: string | null;
  application: { id: string };
};

function subjectOf(inputs: { kind?: unknown; displayName?: unknown } | undefined, id?: string): ErrorSubject {
  const label = [inputs?.displayName, inputs?.kind].find((value) => typeof value === "string" && value !== UNKNOWN);
  const name = (label as string | undefined) ?? id;
  return { resource: `IdentityProvider${name ? ` "${name}"` : ""}`, fields: { applicationId: "app" } };
}

/** The app's provider of this kind, or null. */
async function findByKind(
  settings: LatchSettings,
  app: string,
  kind: string,
  subject: ErrorSubject,
): Promise<LiveProvider | null> {
  const application = await fetchNode<{ identityProviders: LiveProvider[] }>(
    settings,
    app,
    "Application",
    `identityProviders { ${FIELDS} }`,
    subject,
  );
  return application?.identityProviders.find((live) => live.kind.toLowerCase() === kind) ?? null;
}

function outputsOf(
  live: LiveProvider,
  clientSecret: string | null,
  scopesOrder?: unknown,
  adopt = false,
): IdentityProviderOutputs {
  // A secret whose last four characters differ from the server's was changed by hand: show it as drift.
  const known =
    clientSecret !== null && clientSecretLast4(clientSecret) === live.clientSecretLast4 ? clientSecret : null;
  return nullish({
    app: live.application.id,
    kind: live.kind.toLowerCase() as IdentityProviderKind,
    clientId: live.clientId,
    clientSecret: known,
    displayName: live.displayName,
    issuer: live.issuer,
    authorizationEndpoint: live.authorizationEndpoint,
    tokenEndpoint: live.tokenEndpoint,
    userinfoEndpoint: live.userinfoEndpoint,
    scopes: inOrderOf(live.scopes, scopesOrder),
    enabled: live.enabled,
    appleTeamId: live.appleTeamId,
    appleKeyId: live.appleKeyId,
    adopt,
    clientSecretLast4: live.clientSecretLast4,
  }) as IdentityProviderOutputs;
}

const PAYLOAD = `__typename ...MutationErrors ... on IdentityProviderPayload { identityProvider { ${FIELDS} } }`;

export function createIdentityProviderProvider() {
  const provider = {
    settings: undefined as LatchSettings | undefined,

    async configure(request: { config: ProviderConfig }): Promise<void> {
      (this as ProviderState).settings = resolveSettings(request.config);
    },

    async check(_olds: Partial<IdentityProviderOutputs>, news: Partial<IdentityProviderInputs>) {
      const kind = news.kind as IdentityProviderKind;
      const inputs: IdentityProviderDesired = {
        app: news.app as string,
        kind,
        clientId:
          typeof news.clientId === "string" && !isUnknown(news.clientId)
            ? news.clientId.trim()
            : (news.clientId as string),
        clientSecret: news.clientSecret as string,
        displayName: optionalText(news.displayName),
        issuer: optionalText(news.issuer),
        authorizationEndpoint: optionalText(news.authorizationEndpoint),
        tokenEndpoint: optionalText(news.tokenEndpoint),
        userinfoEndpoint: optionalText(news.userinfoEndpoint),
        scopes: (news.scopes === undefined || news.scopes === null
          ? (DEFAULT_PROVIDER_SCOPES[kind] ?? [])
          : uniqueList(news.scopes)) as string[],
        enabled: news.enabled === undefined || news.enabled === null ? true : news.enabled,
        appleTeamId: optionalText(news.appleTeamId),
        appleKeyId: optionalText(news.appleKeyId),
        adopt: news.adopt === undefined || news.adopt === null ? false : news.adopt,
      };
      const failures: Failure[] = [];
      const add = (property: string, reason: string | undefined) => {
        if (reason !== undefined) failures.push({ property, reason });
      };
      if (!isUnknown(inputs.app) && (typeof inputs.app !== "string" || inputs.app === "")) {
        add("app", "app must be the id of an OAuthApp");
      }
      if (!isUnknown(kind) && !IDENTITY_PROVIDER_KINDS.includes(kind)) {
        add("kind", `kind must be one of ${IDENTITY_PROVIDER_KINDS.join(", ")}`);
      }
      if (!isUnknown(news.clientId)) add("clientId", upstreamClientIdProblem(news.clientId));
      if (!isUnknown(news.clientSecret)) add("clientSecret", upstreamClientSecretProblem(news.clientSecret));
      if (!isUnknown(news.displayName)) add("displayName", maxLengthProblem("displayName", news.displayName, 100));
      if (!isUnknown(inputs.issuer) && !isUnknown(kind)) add("issuer", issuerProblem(kind, inputs.issuer));
      for (const field of ["authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint"] as const) {
        if (!isUnknown(inputs[field])) add(field, httpsUrlProblem(field, inputs[field]));
      }
      if (Array.isArray(inputs.scopes)) add("scopes", upstreamScopesProblem(inputs.scopes));
      if (!isUnknown(inputs.adopt) && typeof inputs.adopt !== "boolean") add("adopt", "adopt must be true or false");
      // Structs cannot carry undefined: a missing required input is null (and a failure) instead.
      return { inputs: nullish(inputs) as IdentityProviderDesired, failures };
    },

    async diff(_id: string, olds: Partial<IdentityProviderOutputs>, news: IdentityProviderDesired) {
      return diffResult(changedProperties(olds, news, DIFFED, ["scopes"]), ["app", "kind"]);
    },

    async create(inputs: IdentityProviderDesired): Promise<{ id: string; outs: IdentityProviderOutputs }> {
      const subject = subjectOf(inputs);
      const settings = settingsOf(this as ProviderState, subject);
      const { app, kind, adopt, ...rest } = inputs;
      if (adopt) {
        const existing = await findByKind(settings, app, kind, subject);
        if (existing) {
          const adopted = await mutate<{ identityProvider: LiveProvider }>(
            settings,
            "updateIdentityProvider",
            `mutation LatchPulumiAdoptIdp($input: UpdateIdentityProviderInput!) { updateIdentityProvider(input: $input) { ${PAYLOAD} } }`,
            { input: { id: existing.id, ...rest } },
            { ...subject, property: "adopt" },
            true,
          );
          return {
            id: existing.id,
            outs: outputsOf(adopted.identityProvider, inputs.clientSecret, inputs.scopes, true),
          };
        }
      }
      const payload = await mutate<{ identityProvider: LiveProvider }>(
        settings,
        "createIdentityProvider",
        `mutation LatchPulumiCreateIdp($input: CreateIdentityProviderInput!) { createIdentityProvider(input: $input) { ${PAYLOAD} } }`,
        { input: { ...rest, applicationId: app, kind: kind.toUpperCase() } },
        subject,
      );
      return {
        id: payload.identityProvider.id,
        outs: outputsOf(payload.identityProvider, inputs.clientSecret, inputs.scopes, adopt),
      };
    },

    async read(id: string, props?: Partial<IdentityProviderOutputs>) {
      const subject = subjectOf(props, id);
      const settings = settingsOf(this as ProviderState, subject);
      const live = await fetchNode<LiveProvider>(settings, id, "IdentityProvider", FIELDS, subject);
      if (!live) return { id: "" };
      const outs = outputsOf(live, props?.clientSecret ?? null, props?.scopes, props?.adopt ?? false);
      const { clientSecretLast4: _last4, ...inputs } = outs;
      return { id, props: outs, inputs };
    },

    async update(
      id: string,
      olds: IdentityProviderOutputs,
      news: IdentityProviderDesired,
    ): Promise<{ outs: IdentityProviderOutputs }> {
      const subject = subjectOf(news, id);
      const changed = changedProperties(olds, news, DIFFED, ["scopes"]).filter((p) => p !== "app" && p !== "kind");
      const input: Record<string, unknown> = { id };
      for (const property of changed) input[property] = news[property as keyof IdentityProviderDesired];
      const payload = await mutate<{ identityProvider: LiveProvider }>(
        settingsOf(this as ProviderState, subject),
        "updateIdentityProvider",
        `mutation LatchPulumiUpdateIdp($input: UpdateIdentityProviderInput!) { updateIdentityProvider(input: $input) { ${PAYLOAD} } }`,
        { input },
        subject,
        true,
      );
      return { outs: outputsOf(payload.identityProvider, news.clientSecret, news.scopes, news.adopt) };
    },

    async delete(id: string, props: Partial<IdentityProviderOutputs>): Promise<void> {
      const subject = subjectOf(props, id);
      await deleteIdempotently(
        settingsOf(this as ProviderState, subject),
        "deleteIdentityProvider",
        "mutation LatchPulumiDeleteIdp($id: ID!) { deleteIdentityProvider(id: $id) { __typename ...MutationErrors } }",
        id,
        subject,
      );
    },
  };
  return engineFacing(provider, ["clientSecret"]);
}

export type IdentityProviderProvider = ReturnType<typeof createIdentityProviderProvider>;
