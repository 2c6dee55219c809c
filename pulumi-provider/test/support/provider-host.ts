import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
// biome-ignore lint/suspicious/noExplicitAny: the SDK's generated protobuf modules ship no usable types
export type Untyped = any;
// Generated code, deep-required (the SDK has no exports map).
const services = require("@pulumi/pulumi/proto/provider_grpc_pb") as Untyped;
export const proto = require("@pulumi/pulumi/proto/provider_pb") as Untyped;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as Untyped;

const ROOT = path.resolve(import.meta.dirname, "../../..");
const HOST = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");

/** The wire form of a secret and of a value unknown during preview. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_TYPE = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const secretValue = (value: unknown) => ({ [SECRET_SIG]: SECRET_TYPE, value });

export const toStruct = (value: Record<string, unknown>) => Struct.fromJavaScript(value);
export const fromStruct = (struct: Untyped): Record<string, Untyped> => struct?.toJavaScript() ?? {};

/** The `__provider` texts plain Node serializes for this package's resources (see serialize-providers.ts). */
export async function serializedProviders(): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(import.meta.dirname, "serialize-providers.ts")],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? "" }, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Record<string, string>;
}

export type ProviderHost = {
  /** Calls one ResourceProvider RPC; rejects with the gRPC error (code 2 and the message for a thrown error). */
  call<T = Untyped>(method: string, request: unknown): Promise<T>;
  stderr(): string;
  stop(): Promise<void>;
};

/**
 * Starts the SDK's real dynamic-provider host (what the engine runs for `pulumi-nodejs:dynamic` resources) and
 * connects to it. Its environment has no LATCH_* variables: settings reach it only through Configure.
 */
export async function startProviderHost(): Promise<ProviderHost> {
  const child: ChildProcess = spawn(process.execPath, [HOST, "127.0.0.1:1"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", PULUMI_PROJECT: "latch-test", PULUMI_STACK: "dev" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`host did not start: ${stderr}`)), 30_000);
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) {
        clearTimeout(timer);
        resolve(Number(line.trim()));
      }
    });
    child.once("exit", (code) => reject(new Error(`host exited with ${code}: ${stderr}`)));
  });
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    call(method, request) {
      return new Promise((resolve, reject) => {
        client[method](request, (error: Error | null, response: unknown) =>
          error ? reject(error) : resolve(response as never),
        );
      });
    },
    stderr: () => stderr,
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
    },
  };
}

/** One resource type's RPCs through the host, as the engine sends them (`__provider` in news, olds and state). */
export function resourceRpcs(host: ProviderHost, texts: Record<string, string>, type: string) {
  const urn = `urn:pulumi:dev::latch-test::pulumi-nodejs:dynamic/latch:${type}::${type.toLowerCase()}`;
  const text = texts[type]!;
  const withProvider = (value: Record<string, unknown>) => ({ ...value, __provider: text });
  return {
    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
      const request = new proto.CheckRequest();
      request.setUrn(urn);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(withProvider(news)));
      const response = await host.call("check", request);
      const failures: { property: string; reason: string }[] = response
        .getFailuresList()
        .map((f: Untyped) => ({ property: f.getProperty(), reason: f.getReason() }));
      return { inputs: fromStruct(response.getInputs()), failures };
    },
    async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const request = new proto.DiffRequest();
      request.setId(id);
      request.setUrn(urn);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      const response = await host.call("diff", request);
      return {
        changes: response.getChanges(),
        replaces: response.getReplacesList() as string[],
        deleteBeforeReplace: response.getDeletebeforereplace() as boolean,
      };
    },
    async create(inputs: Record<string, unknown>) {
      const request = new proto.CreateRequest();
      request.setUrn(urn);
      request.setProperties(toStruct(inputs));
      const response = await host.call("create", request);
      return { id: response.getId() as string, outs: fromStruct(response.getProperties()) };
    },
    async read(id: string, props: Record<string, unknown>) {
      const request = new proto.ReadRequest();
      request.setId(id);
      request.setUrn(urn);
      request.setProperties(toStruct(props));
      const response = await host.call("read", request);
      return {
        id: response.getId() as string,
        props: fromStruct(response.getProperties()),
        inputs: fromStruct(response.getInputs()),
      };
    },
    async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const request = new proto.UpdateRequest();
      request.setId(id);
      request.setUrn(urn);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      return fromStruct((await host.call("update", request)).getProperties());
    },
    async delete(id: string, props: Record<string, unknown>) {
      const request = new proto.DeleteRequest();
      request.setId(id);
      request.setUrn(urn);
      request.setProperties(toStruct(props));
      await host.call("delete", request);
    },
  };
}

/** Sends the stack config the engine would: the endpoint, and the API key as a secret (which the host unwraps). */
export async function configureHost(host: ProviderHost, endpoint: string, apiKey: string): Promise<void> {
  const configure = new proto.ConfigureRequest();
  configure.setArgs(toStruct({ "latch:endpoint": endpoint, "latch:apiKey": secretValue(apiKey) }));
  configure.setAcceptsecrets(true);
  await host.call("configure", configure);
}

/** The engine strips secrets before it calls the host (the dynamic provider accepts none): unwrap them. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  if (SECRET_SIG in value) return unwrapSecrets((value as unknown as { value: unknown }).value);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)]));
}
