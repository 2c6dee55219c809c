import * as pulumi from "@pulumi/pulumi";
import { CONNECTION, type Connection } from "../provider/connection.ts";
import { withSecretOutputs } from "./outputs.ts";

const BRAND: unique symbol = Symbol.for("@latch/pulumi:Provider") as never;

export type ProviderArgs = {
  /** The server's base URL, or its /graphql URL. */
  endpoint: pulumi.Input<string>;
  /** An API key of the organization this provider manages; taken as a secret whatever the program passes. */
  apiKey: pulumi.Input<string>;
};

/**
 * An explicit provider instance: another organization (or another Latch) than the stack's `latch:endpoint` and
 * `latch:apiKey`. Pass it as the `provider` resource option. The resources are dynamic ones, which the engine runs in
 * one host for the whole program, so the endpoint and key travel with each resource as its `connection`, a secret
 * input and output: encrypted in the checkpoint, never in the serialized provider, and masked in the CLI.
 */
export class Provider extends pulumi.ComponentResource {
  readonly [BRAND] = true;
  readonly endpoint: pulumi.Output<string>;
  /** `{ endpoint, apiKey }`. A secret output. */
  readonly connection: pulumi.Output<Connection>;

  constructor(name: string, args: ProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    // Nothing is registered as this component's inputs: its key is in no state but the resources' secret connection.
    super("latch:index:Provider", name, {}, opts);
    for (const property of ["endpoint", "apiKey"] as const) {
      const value = args?.[property];
      if (value === undefined || value === null || value === "") {
        throw new Error(`latch.Provider "${name}": ${property} is required`);
      }
    }
    this.endpoint = pulumi.output(args.endpoint);
    this.connection = pulumi.secret(
      pulumi.all([args.endpoint, args.apiKey]).apply(([endpoint, apiKey]) => ({ endpoint, apiKey })),
    );
    this.registerOutputs({ endpoint: this.endpoint });
  }
}

/** Whether a value is a `latch.Provider` (the brand survives two copies of the package in one program). */
export function isLatchProvider(value: unknown): value is Provider {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** Resource options of this package: `provider` may be a `latch.Provider`. */
export type LatchResourceOptions = Omit<pulumi.CustomResourceOptions, "provider"> & {
  provider?: Provider | pulumi.ProviderResource;
};

/**
 * The props and options a resource registers with: a `latch.Provider` in `provider` becomes the secret `connection`
 * property (and is taken out of the options: the engine would look for a plugin of that name), and `secrets` are
 * added to `additionalSecretOutputs`.
 */
export function registration<P extends Record<string, unknown>>(
  props: P,
  opts: LatchResourceOptions | undefined,
  secrets: readonly string[],
): { props: P; opts: pulumi.CustomResourceOptions } {
  const { provider, ...rest } = opts ?? {};
  if (isLatchProvider(provider)) {
    return {
      props: { ...props, [CONNECTION]: provider.connection },
      opts: withSecretOutputs(rest, [...secrets, CONNECTION]),
    };
  }
  return { props, opts: withSecretOutputs({ ...rest, ...(provider ? { provider } : {}) }, secrets) };
}
