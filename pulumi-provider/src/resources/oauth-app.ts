import * as pulumi from "@pulumi/pulumi";
import { createOAuthAppProvider, type OAuthAppInputs, type OAuthAppOutputs } from "../provider/oauth-app.ts";
import { type InputsOf, outputSlots } from "./outputs.ts";
import { type LatchResourceOptions, registration } from "./provider.ts";

/** One provider object for every OAuthApp: serialized once, configured by the engine's host, never here. */
const provider = createOAuthAppProvider();

/** What a program passes: everything but the stack marker and the delete policy, which come from the stack and options. */
export type OAuthAppArgs = InputsOf<Omit<OAuthAppInputs, "managedBy" | "retainOnDelete">>;

/** Every output property: registered up front so each is an `Output` on the resource, set by the provider. */
const OAUTH_APP_OUTPUTS: readonly (keyof OAuthAppOutputs)[] = [
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
  "adopt",
  "managedBy",
  "retainOnDelete",
  "rotation",
  "rotationOverlap",
  "clientId",
  "clientSecret",
  "clientSecretLast4",
  "clientSecretId",
  "previousSecretsExpireAt",
];

/** Outputs every resource of this package declares secret, whatever the program's options say. */
export const OAUTH_APP_SECRET_OUTPUTS = ["clientSecret"];

/** This stack as the app's `managedBy` marker records it: `pulumi:<org>/<project>/<stack>`. */
export function stackMarker(): string {
  let organization: string;
  try {
    organization = pulumi.getOrganization();
  } catch {
    // Older engines and some test set-ups name no organization.
    organization = "organization";
  }
  return `pulumi:${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/**
 * An OAuth app of the organization the `latch:apiKey` belongs to. `clientSecret` is a secret output: encrypted in
 * the state, shown as [secret] in the CLI. Changing `rotation` rotates it in place; `adopt` takes over an existing app
 * of the same name (one another stack manages only with `adopt: "force"`).
 *
 * The `retainOnDelete` option is handled by the provider, not the engine: deleting the resource then leaves the app
 * and clears its stack marker, so another stack can adopt it without forcing.
 */
export class OAuthApp extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly type: pulumi.Output<"confidential" | "public">;
  declare readonly description: pulumi.Output<string | null>;
  declare readonly redirectUris: pulumi.Output<string[]>;
  declare readonly scopes: pulumi.Output<string[]>;
  declare readonly grantTypes: pulumi.Output<string[]>;
  declare readonly allowPasswordGrant: pulumi.Output<boolean>;
  declare readonly accessTokenFormat: pulumi.Output<"jwt" | "opaque">;
  declare readonly accessTokenTtl: pulumi.Output<number>;
  declare readonly refreshTokenTtl: pulumi.Output<number>;
  declare readonly refreshTokenRotation: pulumi.Output<boolean>;
  declare readonly refreshReuseInterval: pulumi.Output<number>;
  declare readonly tokenEndpointAuthMethod: pulumi.Output<"client_secret_basic" | "client_secret_post" | "any">;
  declare readonly isResourceServer: pulumi.Output<boolean>;
  declare readonly logoUrl: pulumi.Output<string | null>;
  declare readonly primaryColor: pulumi.Output<string | null>;
  declare readonly secondaryColor: pulumi.Output<string | null>;
  declare readonly homepageUrl: pulumi.Output<string | null>;
  declare readonly privacyPolicyUrl: pulumi.Output<string | null>;
  declare readonly termsOfServiceUrl: pulumi.Output<string | null>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly adopt: pulumi.Output<boolean | "force">;
  /** The stack recorded on the app as the one managing it: `pulumi:<org>/<project>/<stack>`. */
  declare readonly managedBy: pulumi.Output<string | null>;
  declare readonly retainOnDelete: pulumi.Output<boolean>;
  declare readonly rotation: pulumi.Output<string | null>;
  /** Seconds. */
  declare readonly rotationOverlap: pulumi.Output<number>;
  /** The public client identifier. */
  declare readonly clientId: pulumi.Output<string>;
  /** The current client secret; null for public apps. A secret output. */
  declare readonly clientSecret: pulumi.Output<string | null>;
  declare readonly clientSecretLast4: pulumi.Output<string | null>;
  /** The id of the client secret this resource manages (null for public apps). */
  declare readonly clientSecretId: pulumi.Output<string | null>;
  declare readonly previousSecretsExpireAt: pulumi.Output<string | null>;

  constructor(name: string, args: OAuthAppArgs, opts?: LatchResourceOptions) {
    const { retainOnDelete, ...rest } = opts ?? {};
    const registered = registration(
      { ...outputSlots(OAUTH_APP_OUTPUTS), ...args, managedBy: stackMarker(), retainOnDelete: retainOnDelete ?? false },
      rest,
      OAUTH_APP_SECRET_OUTPUTS,
    );
    super(provider, name, registered.props, registered.opts, "latch", "OAuthApp");
  }
}
