import * as pulumi from "@pulumi/pulumi";
import { createWebhookProvider, type WebhookInputs } from "../provider/webhook.ts";
import { type InputsOf, outputSlots } from "./outputs.ts";
import { type LatchResourceOptions, registration } from "./provider.ts";

const provider = createWebhookProvider();

export type WebhookArgs = InputsOf<WebhookInputs>;

/** A webhook endpoint. `secret` (the `whsec_` signing secret) is a secret output; `rotation` rotates it in place. */
export class Webhook extends pulumi.dynamic.Resource {
  declare readonly url: pulumi.Output<string>;
  declare readonly events: pulumi.Output<string[]>;
  declare readonly description: pulumi.Output<string | null>;
  declare readonly app: pulumi.Output<string | null>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly rotation: pulumi.Output<string | null>;
  /** Whether it took over an existing webhook of that url and app. */
  declare readonly adopt: pulumi.Output<boolean>;
  /** The signing secret. A secret output. */
  declare readonly secret: pulumi.Output<string>;
  declare readonly previousSecretExpiresAt: pulumi.Output<string | null>;
  declare readonly disabledAt: pulumi.Output<string | null>;

  constructor(name: string, args: WebhookArgs, opts?: LatchResourceOptions) {
    const registered = registration(
      {
        ...outputSlots([
          "url",
          "events",
          "description",
          "app",
          "active",
          "rotation",
          "adopt",
          "secret",
          "previousSecretExpiresAt",
          "disabledAt",
        ]),
        ...args,
      },
      opts,
      ["secret"],
    );
    super(provider, name, registered.props, registered.opts, "latch", "Webhook");
  }
}
