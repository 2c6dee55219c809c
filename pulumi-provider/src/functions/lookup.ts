/**
 * How the lookup functions (`getOAuthApp`, `getScope`, `getWebhook` and their `...Output` forms) reach Latch. They
 * run in the program's own process, not in the engine's provider host: the SDK's dynamic-provider host answers every
 * Invoke with "unknown function", so a dynamic provider has no functions of its own. The program reads the stack's
 * `latch:endpoint` and `latch:apiKey` (the engine hands a program its config, secrets decrypted), else LATCH_ENDPOINT
 * and LATCH_API_KEY, or takes an explicit `latch.Provider`'s endpoint and key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type ErrorSubject,
  graphqlUrl,
  type LatchSettings,
  latchError,
  requireSettings,
  resolveSettings,
} from "../provider/client.ts";
import { redactedError } from "../provider/common.ts";
import type { Connection } from "../provider/connection.ts";
import { isLatchProvider, type Provider } from "../resources/provider.ts";

/** Options of a lookup's Promise form: `provider` reads another organization than the stack's. */
export type LatchInvokeOptions = {
  /** An explicit `latch.Provider`: the lookup reads its organization. */
  provider?: Provider | undefined;
};

/** Options of a lookup's Output form: besides `provider`, resources the lookup must wait for. */
export type LatchInvokeOutputOptions = LatchInvokeOptions & {
  /** The lookup runs once these resources exist (unknown in a preview that would create them). */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
};

/** The stack's own settings: its config as the engine hands it to the program, else the environment. */
function stackSettings(subject: ErrorSubject): LatchSettings {
  return requireSettings(resolveSettings({ get: (key) => pulumi.runtime.getConfig(key) }), subject);
}

function settingsOfConnection(connection: Connection | undefined, subject: ErrorSubject): LatchSettings {
  const { endpoint, apiKey } = connection ?? {};
  if (typeof endpoint !== "string" || !endpoint.trim() || typeof apiKey !== "string" || !apiKey) {
    // Never the stack's own organization instead: the program named another one.
    throw latchError(subject, "an explicit latch.Provider needs an endpoint and an apiKey", { code: "NOT_CONFIGURED" });
  }
  return { endpoint: graphqlUrl(endpoint), apiKey };
}

function providerOf(opts: LatchInvokeOptions | undefined, subject: ErrorSubject): Provider | undefined {
  const provider = opts?.provider;
  if (provider === undefined || provider === null) return undefined;
  if (!isLatchProvider(provider)) {
    throw latchError(subject, "provider must be a latch.Provider (new Provider(name, { endpoint, apiKey }))", {
      code: "INVALID_PROVIDER",
    });
  }
  return provider;
}

type Settled<T> = { known: true; value: T } | { known: false };

/**
 * An Output's value, or that it is unknown (a preview). The SDK offers no public way to await an Output; its own
 * invoke reads the same `isKnown` and `promise()` of the Output it was given.
 */
async function settle<T>(output: pulumi.Output<T>): Promise<Settled<T>> {
  const internal = output as unknown as { isKnown?: Promise<boolean>; promise?: () => Promise<T> };
  if (typeof internal.promise !== "function" || !(internal.isKnown instanceof Promise)) {
    return { known: true, value: await new Promise<T>((resolve) => output.apply(resolve)) };
  }
  if (!(await internal.isKnown)) return { known: false };
  const value = await internal.promise();
  return pulumi.containsUnknowns(value) ? { known: false } : { known: true, value };
}

/** Runs one lookup with the settings it is owed; no error it throws holds the API key. */
async function withSettings<T>(settings: LatchSettings, lookup: (settings: LatchSettings) => Promise<T>): Promise<T> {
  try {
    return await lookup(settings);
  } catch (error) {
    throw redactedError(error, [settings.apiKey, process.env.LATCH_API_KEY]);
  }
}

/** The Promise form of a lookup: plain arguments, the stack's settings or the provider's. */
export async function lookupPromise<T>(
  subject: ErrorSubject,
  opts: LatchInvokeOptions | undefined,
  lookup: (settings: LatchSettings) => Promise<T>,
): Promise<T> {
  const provider = providerOf(opts, subject);
  if (!provider) return withSettings(stackSettings(subject), lookup);
  const connection = await settle(provider.connection);
  if (!connection.known) {
    throw latchError(
      subject,
      "the provider's endpoint or API key is not known yet (it comes from a resource this preview would create): use the Output form of the lookup",
      { code: "UNKNOWN_DURING_PREVIEW" },
    );
  }
  return withSettings(settingsOfConnection(connection.value, subject), lookup);
}

function dependenciesOf(dependsOn: LatchInvokeOutputOptions["dependsOn"]): pulumi.Output<unknown> {
  if (dependsOn === undefined) return pulumi.output(undefined);
  // A custom resource's id is unknown until it exists, so a preview that would create one gets an unknown lookup.
  return pulumi
    .output(dependsOn)
    .apply((resources) =>
      pulumi.all(
        (Array.isArray(resources) ? resources : [resources]).map((resource) =>
          pulumi.CustomResource.isInstance(resource) ? resource.id : resource.urn,
        ),
      ),
    );
}

/**
 * The Output form of a lookup: Input arguments, run once they, the provider's connection and `dependsOn` are known
 * (an unknown Output in a preview that cannot know them). The result is secret only when an argument was: the
 * provider's key, a secret, is used but never returned.
 */
export function lookupOutput<A, T>(
  subject: ErrorSubject,
  args: A,
  opts: LatchInvokeOutputOptions | undefined,
  lookup: (args: pulumi.Unwrap<A>, settings: LatchSettings) => Promise<T>,
): pulumi.Output<T> {
  const provider = providerOf(opts, subject);
  const connection = provider ? pulumi.unsecret(provider.connection) : pulumi.output(undefined);
  return pulumi.all([pulumi.output(args), connection, dependenciesOf(opts?.dependsOn)]).apply(([plain, resolved]) => {
    const settings = provider ? settingsOfConnection(resolved as Connection, subject) : stackSettings(subject);
    return withSettings(settings, (current) => lookup(plain as pulumi.Unwrap<A>, current));
  }) as pulumi.Output<T>;
}

/** The error a lookup that found nothing throws: it names the function and what it looked for. */
export function notFound(subject: ErrorSubject, what: string): Error {
  return latchError(subject, `no ${what} in the organization`, { code: "NOT_FOUND" });
}
