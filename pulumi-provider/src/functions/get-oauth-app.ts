import type * as pulumi from "@pulumi/pulumi";
import { type ErrorSubject, type LatchSettings, latchError } from "../provider/client.ts";
import {
  type AccessTokenFormat,
  fetchApp,
  findAppByName,
  fromLive,
  type LiveApp,
  type OAuthAppType,
  type TokenEndpointAuthMethod,
} from "../provider/oauth-app.ts";
import {
  type LatchInvokeOptions,
  type LatchInvokeOutputOptions,
  lookupOutput,
  lookupPromise,
  notFound,
} from "./lookup.ts";

/** Which app: by its OAuth client id, or by its name (exactly one of them). */
export type GetOAuthAppArgs = { clientId: string; name?: undefined } | { name: string; clientId?: undefined };

/** `GetOAuthAppArgs` whose value may be another resource's output. */
export type GetOAuthAppOutputArgs =
  | { clientId: pulumi.Input<string>; name?: undefined }
  | { name: pulumi.Input<string>; clientId?: undefined };

/** An app as the organization has it. Never a client secret: a secret is readable only when it is minted. */
export type GetOAuthAppResult = {
  /** The app's global id: what an OAuthApp's `id` is, to pass as `app` of a ClientSecret, Webhook or login. */
  id: string;
  clientId: string;
  name: string;
  description: string | null;
  type: OAuthAppType;
  /** In lexical order, as are `scopes` and `grantTypes`: the server keeps them as sets. */
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
  /** The stack that manages it (`pulumi:<org>/<project>/<stack>`), or null. */
  managedBy: string | null;
  /** Its client secrets, by their last four characters only. */
  clientSecrets: { id: string; last4: string; status: "ACTIVE" | "EXPIRED" | "REVOKED" }[];
};

type AppKey = { by: "clientId" | "name"; value: string };

function subjectOf(key?: AppKey): ErrorSubject {
  return { resource: "getOAuthApp", property: key?.by };
}

function keyOf(args: { clientId?: unknown; name?: unknown } | undefined): AppKey {
  const given = (["clientId", "name"] as const).filter((by) => args?.[by] !== undefined && args?.[by] !== null);
  if (given.length !== 1) {
    throw latchError(subjectOf(), "pass exactly one of clientId and name", { code: "VALIDATION_FAILED" });
  }
  const by = given[0]!;
  const value = args?.[by];
  if (typeof value !== "string" || value.trim() === "") {
    throw latchError(subjectOf({ by, value: "" }), `${by} must be a non-empty string`, { code: "VALIDATION_FAILED" });
  }
  return { by, value };
}

function resultOf(app: LiveApp): GetOAuthAppResult {
  const live = fromLive(app);
  const sorted = (list: readonly string[]) => [...list].sort();
  return {
    id: app.id,
    ...live,
    redirectUris: sorted(live.redirectUris),
    scopes: sorted(live.scopes),
    grantTypes: sorted(live.grantTypes),
    clientSecrets: app.clientSecrets.map(({ id, last4, status }) => ({ id, last4, status })),
  };
}

async function lookUp(key: AppKey, settings: LatchSettings): Promise<GetOAuthAppResult> {
  const subject = subjectOf(key);
  const app =
    key.by === "clientId"
      ? await fetchApp(settings, key.value, subject, "clientId")
      : await findAppByName(settings, key.value, subject);
  if (!app) {
    throw notFound(subject, `OAuth app ${key.by === "name" ? "named" : "with client id"} ${JSON.stringify(key.value)}`);
  }
  return resultOf(app);
}

/**
 * Reads an app of the organization (the stack's, or `opts.provider`'s) by client id or name, e.g. one another
 * program or the console manages. Not found is an error that names what was looked for.
 *
 * @example
 * const legacy = await getOAuthApp({ name: "Legacy Portal" });
 * new Webhook("legacy-grants", { url: "https://hooks.example/latch", events: ["grant.created"], app: legacy.id });
 */
export function getOAuthApp(args: GetOAuthAppArgs, opts?: LatchInvokeOptions): Promise<GetOAuthAppResult> {
  return lookupPromise(subjectOf(), opts, async (settings) => lookUp(keyOf(args), settings));
}

/** `getOAuthApp` taking Inputs (another resource's output) and returning an Output, unknown while they are. */
export function getOAuthAppOutput(
  args: GetOAuthAppOutputArgs,
  opts?: LatchInvokeOutputOptions,
): pulumi.Output<GetOAuthAppResult> {
  return lookupOutput(subjectOf(), args, opts, (plain, settings) =>
    lookUp(keyOf(plain as { clientId?: unknown; name?: unknown }), settings),
  );
}
