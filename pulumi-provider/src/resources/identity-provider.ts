import * as pulumi from "@pulumi/pulumi";
import {
  createIdentityProviderProvider,
  type IdentityProviderInputs,
  type IdentityProviderKind,
} from "../provider/identity-provider.ts";
import { type InputsOf, outputSlots } from "./outputs.ts";
import { type LatchResourceOptions, registration } from "./provider.ts";

const provider = createIdentityProviderProvider();

export type IdentityProviderArgs = InputsOf<IdentityProviderInputs>;

/**
 * An upstream login of an app ("Continue with Google"). `clientSecret` is taken as a secret: whatever the program
 * passes is wrapped in `pulumi.secret`, and the output is declared secret.
 */
export class IdentityProvider extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly kind: pulumi.Output<IdentityProviderKind>;
  declare readonly clientId: pulumi.Output<string>;
  /** A secret output. */
  declare readonly clientSecret: pulumi.Output<string>;
  declare readonly clientSecretLast4: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string | null>;
  declare readonly issuer: pulumi.Output<string | null>;
  declare readonly authorizationEndpoint: pulumi.Output<string | null>;
  declare readonly tokenEndpoint: pulumi.Output<string | null>;
  declare readonly userinfoEndpoint: pulumi.Output<string | null>;
  declare readonly scopes: pulumi.Output<string[]>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly appleTeamId: pulumi.Output<string | null>;
  declare readonly appleKeyId: pulumi.Output<string | null>;
  /** Whether it took over the app's existing provider of this kind. */
  declare readonly adopt: pulumi.Output<boolean>;

  constructor(name: string, args: IdentityProviderArgs, opts?: LatchResourceOptions) {
    const registered = registration(
      {
        ...outputSlots([
          "app",
          "kind",
          "clientId",
          "clientSecret",
          "clientSecretLast4",
          "displayName",
          "issuer",
          "authorizationEndpoint",
          "tokenEndpoint",
          "userinfoEndpoint",
          "scopes",
          "enabled",
          "appleTeamId",
          "appleKeyId",
          "adopt",
        ]),
        ...args,
        clientSecret: pulumi.secret(args.clientSecret),
      },
      opts,
      ["clientSecret"],
    );
    super(provider, name, registered.props, registered.opts, "latch", "IdentityProvider");
  }
}
