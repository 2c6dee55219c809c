import * as pulumi from "@pulumi/pulumi";
import { createScopeProvider, type ScopeInputs } from "../provider/scope.ts";
import { type InputsOf, outputSlots } from "./outputs.ts";
import { type LatchResourceOptions, registration } from "./provider.ts";

const provider = createScopeProvider();

export type ScopeArgs = InputsOf<ScopeInputs>;

/** A custom scope of the organization; pass `scope.name` to an OAuthApp's `scopes` so it is created first. */
export class Scope extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  /** Whether it took over an existing scope of that name (a retained one) instead of creating one. */
  declare readonly adopt: pulumi.Output<boolean>;

  constructor(name: string, args: ScopeArgs, opts?: LatchResourceOptions) {
    const registered = registration({ ...outputSlots(["name", "description", "adopt"]), ...args }, opts, []);
    super(provider, name, registered.props, registered.opts, "latch", "Scope");
  }
}
