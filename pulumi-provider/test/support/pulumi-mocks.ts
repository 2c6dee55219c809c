import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, type MockResourceArgs, type MockResourceResult } from "@pulumi/pulumi/runtime/mocks.js";

const require = createRequire(import.meta.url);
const requireFromString = require("require-from-string") as (code: string) => { handler(): unknown };

/** What the SDK sent for one resource registration. */
export type Registration = {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
  /** The `retainOnDelete` option the SDK sent the engine. */
  retainOnDelete: boolean;
};

type RegisterRequest = {
  getType(): string;
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
  getRetainondelete(): boolean;
};

const pendingSecretOutputs = new Map<string, string[]>();
const pendingRetain = new Map<string, boolean>();
let patched = false;

/**
 * The mock monitor neither calls the provider nor applies `additionalSecretOutputs` (docs/pulumi-testing.md), so
 * this records the list from each register request the SDK sends; `runMocks` then marks those outputs secret, as
 * the engine does.
 */
function recordSecretOutputs(): void {
  if (patched) return;
  patched = true;
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (this: MockMonitor, req: RegisterRequest, callback: unknown) {
    pendingSecretOutputs.set(`${req.getType()}::${req.getName()}`, req.getAdditionalsecretoutputsList());
    pendingRetain.set(`${req.getType()}::${req.getName()}`, req.getRetainondelete());
    return (original as (...args: unknown[]) => unknown).call(this, req, callback);
  } as typeof original;
}

/**
 * Runs Pulumi programs under `setMocks`, emulating the engine's secret outputs. `create` plays the provider: it gets
 * the inputs the SDK sent (with `__provider`) and returns the outputs.
 */
export async function setEngineMocks(options: {
  preview?: boolean;
  organization?: string;
  create: (args: MockResourceArgs) => Promise<MockResourceResult> | MockResourceResult;
}): Promise<Registration[]> {
  recordSecretOutputs();
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        const additionalSecretOutputs = pendingSecretOutputs.get(`${args.type}::${args.name}`) ?? [];
        const retainOnDelete = pendingRetain.get(`${args.type}::${args.name}`) ?? false;
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          additionalSecretOutputs,
          retainOnDelete,
        });
        const result = await options.create(args);
        const state = Object.fromEntries(
          Object.entries(result.state ?? {}).map(([key, value]) => [
            key,
            additionalSecretOutputs.includes(key) && value !== undefined && value !== null
              ? pulumi.secret(value)
              : value,
          ]),
        );
        return { id: result.id, state };
      },
      call: (args) => args.inputs,
    },
    "latch-test",
    "dev",
    options.preview ?? false,
    options.organization,
  );
  return registrations;
}

/** The resolved value of an output (undefined when unknown, as in a preview). */
export function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Loads a `__provider` text the way the dynamic-provider host does. */
export function loadProvider<T>(text: string): T {
  return requireFromString(text).handler() as T;
}
