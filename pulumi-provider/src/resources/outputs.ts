import type * as pulumi from "@pulumi/pulumi";

/** `{name: undefined, ...}`: a dynamic resource registers as outputs exactly the properties its props name. */
export function outputSlots(names: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((name) => [name, undefined]));
}

/** The options with `secrets` added to `additionalSecretOutputs`, whatever the program passed. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  secrets: readonly string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...new Set([...secrets, ...(opts?.additionalSecretOutputs ?? [])])] };
}

/** A resource's args: every property (and every list element) may be an Input, i.e. another resource's output. */
export type InputsOf<T> = {
  [K in keyof T]: NonNullable<T[K]> extends readonly (infer E)[]
    ? pulumi.Input<pulumi.Input<E>[]> | Extract<T[K], null | undefined>
    : pulumi.Input<T[K]>;
};
