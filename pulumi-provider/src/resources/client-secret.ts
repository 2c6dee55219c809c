import * as pulumi from "@pulumi/pulumi";
import { type ClientSecretInputs, createClientSecretProvider } from "../provider/client-secret.ts";
import { type InputsOf, outputSlots } from "./outputs.ts";
import { type LatchResourceOptions, registration } from "./provider.ts";

const provider = createClientSecretProvider();

export type ClientSecretArgs = InputsOf<ClientSecretInputs>;

/**
 * An additional client secret of a confidential app. `secret` is a secret output. A new `rotation`, `name` or
 * `expiresAt` mints a new secret in place; the previous one keeps working for `rotationOverlap` (default 24h).
 * Deleting the resource revokes its secret at once.
 */
export class ClientSecret extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string | null>;
  declare readonly rotation: pulumi.Output<string | null>;
  /** Seconds a replaced secret keeps working. */
  declare readonly rotationOverlap: pulumi.Output<number>;
  /** The plaintext secret. A secret output. */
  declare readonly secret: pulumi.Output<string>;
  declare readonly last4: pulumi.Output<string>;
  declare readonly secretId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<"ACTIVE" | "EXPIRED" | "REVOKED">;

  constructor(name: string, args: ClientSecretArgs, opts?: LatchResourceOptions) {
    const registered = registration(
      {
        ...outputSlots([
          "app",
          "name",
          "expiresAt",
          "rotation",
          "rotationOverlap",
          "secret",
          "last4",
          "secretId",
          "status",
        ]),
        ...args,
      },
      opts,
      ["secret"],
    );
    super(provider, name, registered.props, registered.opts, "latch", "ClientSecret");
  }
}
