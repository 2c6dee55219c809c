import * as pulumi from "@pulumi/pulumi";
import { type ClientSecretInputs, createClientSecretProvider } from "../provider/client-secret.ts";
import { type InputsOf, outputSlots, withSecretOutputs } from "./outputs.ts";

const provider = createClientSecretProvider();

export type ClientSecretArgs = InputsOf<ClientSecretInputs>;

/**
 * An additional client secret of a confidential app. `secret` is a secret output. Changing `rotation` mints a new
 * secret and revokes the previous one at once; for an overlap, rotate the OAuthApp's own secret instead.
 */
export class ClientSecret extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string | null>;
  declare readonly rotation: pulumi.Output<string | null>;
  /** The plaintext secret. A secret output. */
  declare readonly secret: pulumi.Output<string>;
  declare readonly last4: pulumi.Output<string>;
  declare readonly secretId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<"ACTIVE" | "EXPIRED" | "REVOKED">;

  constructor(name: string, args: ClientSecretArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...outputSlots(["app", "name", "expiresAt", "rotation", "secret", "last4", "secretId", "status"]), ...args },
      withSecretOutputs(opts, ["secret"]),
      "latch",
      "ClientSecret",
    );
  }
}
