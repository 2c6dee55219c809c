import { parseArgs } from "node:util";
import { type LiveAppSecret, managedSecret, mintAppSecret } from "../provider/app-secret.ts";
import { graphql, type LatchSettings, resolveSettings } from "../provider/client.ts";
import { durationSeconds, overlapProblem } from "../provider/rules.ts";
import { StackSecretsError } from "../stack-secrets/errors.ts";
import { readPassphrase } from "../stack-secrets/passphrase.ts";
import { prepareCapture, readConfigValue } from "../stack-secrets/stack-file.ts";

export const CAPTURE_USAGE = `Usage:
  latch-pulumi capture --stack <name> --key <config key> --from-stdin
  latch-pulumi capture --stack <name> --key <config key> --app <clientId> --rotate [--overlap 24h]

Writes a secret into Pulumi.<stack>.yaml as a passphrase-encrypted \`secure:\` value, as
\`pulumi config set --secret\` would, without the Pulumi CLI. The passphrase comes from
PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.

  --from-stdin        the value is read from standard input (one trailing newline is dropped)
  --app <clientId>    rotate this app's client secret through the control plane and capture the new one;
  --rotate            the secret captured before under --key (only that one) keeps working for --overlap
                      (seconds or 30m/24h/7d, default 24h); the app's other secrets are untouched.
                      Endpoint and API key: LATCH_ENDPOINT/LATCH_API_KEY, else the stack's latch:endpoint and
                      secret latch:apiKey
  --cwd <dir>         the Pulumi project directory (default: the current one)
  --key <key>         <name> (namespaced with the project's name) or <namespace>:<name>
`;

export type CaptureIo = {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  readonly stdin: AsyncIterable<string | Uint8Array>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
};

class UsageError extends Error {}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

async function controlPlaneSettings(io: CaptureIo, dir: string, stack: string, passphrase: string | undefined) {
  const fromEnv = resolveSettings(undefined, io.env);
  if (fromEnv) return fromEnv;
  const read = (key: string) => readConfigValue({ dir, stack, key, passphrase });
  const endpoint = io.env.LATCH_ENDPOINT || (await read("latch:endpoint"));
  const apiKey = io.env.LATCH_API_KEY || (await read("latch:apiKey"));
  const settings = resolveSettings({ get: (key) => (key === "latch:endpoint" ? endpoint : apiKey) }, {});
  if (!settings) {
    throw new StackSecretsError(
      "--app needs the control plane: set LATCH_ENDPOINT and LATCH_API_KEY, or latch:endpoint and the secret latch:apiKey in the stack",
    );
  }
  return settings;
}

/**
 * Mints the app's new secret. The one captured before under the key (found by its last four characters among the
 * app's active secrets) is rotated alone, keeping it working for the overlap; the app's other secrets (a
 * ClientSecret resource's, another deploy's) are never touched.
 */
async function rotateAppSecret(
  settings: LatchSettings,
  clientId: string,
  overlapSeconds: number,
  previous: string | undefined,
) {
  const subject = { resource: `OAuthApp ${clientId}`, fields: { overlapSeconds: "--overlap" } };
  const found = await graphql<{
    application: { id: string; type: string; clientSecrets: LiveAppSecret[] } | null;
  }>(
    settings,
    "query LatchCaptureApp($clientId: String!) { application(clientId: $clientId) { id type clientSecrets { id last4 status } } }",
    { clientId },
    { subject, idempotent: true },
  );
  if (!found.application) throw new StackSecretsError(`no app with client id ${clientId} in this organization`);
  if (found.application.type !== "CONFIDENTIAL") {
    throw new StackSecretsError(`app ${clientId} is public: it has no client secret`);
  }
  const replacing = managedSecret(found.application.clientSecrets, {
    clientSecret: previous ?? null,
    clientSecretId: null,
  });
  const minted = await mintAppSecret(
    settings,
    found.application.id,
    replacing?.id ?? null,
    overlapSeconds,
    "Captured by latch-pulumi",
    subject,
  );
  return {
    secret: minted.clientSecret!,
    previousSecretsExpireAt: minted.previousSecretsExpireAt,
    replaced: !!replacing,
  };
}

/** `latch-pulumi capture`; resolves to the exit code. */
export async function runCapture(argv: readonly string[], io: CaptureIo): Promise<number> {
  let options: {
    stack?: string;
    key?: string;
    app?: string;
    rotate?: boolean;
    "from-stdin"?: boolean;
    overlap?: string;
    cwd?: string;
    help?: boolean;
  };
  try {
    options = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        key: { type: "string" },
        app: { type: "string" },
        rotate: { type: "boolean" },
        "from-stdin": { type: "boolean" },
        overlap: { type: "string" },
        cwd: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
    if (options.help) {
      io.out(CAPTURE_USAGE);
      return 0;
    }
    if (!options.stack) throw new UsageError("--stack is required");
    if (!options.key) throw new UsageError("--key is required");
    const fromStdin = options["from-stdin"] === true;
    const fromApp = options.app !== undefined;
    if (fromStdin === fromApp) throw new UsageError("give exactly one of --from-stdin or --app <clientId> --rotate");
    if (fromApp && !options.rotate) {
      throw new UsageError("--app needs --rotate: a client secret can only be read once, when it is minted");
    }
    if (options.overlap !== undefined && !fromApp) throw new UsageError("--overlap goes with --app --rotate");
  } catch (error) {
    io.err(`latch-pulumi capture: ${(error as Error).message}\n\n${CAPTURE_USAGE}`);
    return 2;
  }
  const dir = options.cwd ? (await import("node:path")).resolve(io.cwd, options.cwd) : io.cwd;
  try {
    const passphrase = await readPassphrase(io.env);
    // Everything that can fail without side effects fails before a value is read or a secret is rotated.
    const capture = await prepareCapture({ dir, stack: options.stack, key: options.key, passphrase });
    let value: string;
    if (options.app !== undefined) {
      const overlapSeconds = durationSeconds(options.overlap ?? "24h");
      const problem = Number.isNaN(overlapSeconds)
        ? "--overlap must be seconds or a duration such as 30m, 24h or 7d"
        : overlapProblem("--overlap", overlapSeconds);
      if (problem) throw new StackSecretsError(problem);
      const settings = await controlPlaneSettings(io, dir, options.stack, passphrase);
      const previous = await readConfigValue({ dir, stack: options.stack, key: options.key, passphrase });
      const rotated = await rotateAppSecret(settings, options.app, overlapSeconds, previous);
      value = rotated.secret;
      try {
        await capture.write(value);
      } catch (error) {
        throw new StackSecretsError(
          `rotated the secret of ${options.app} but could not write ${capture.path}: ${(error as Error).message}. The previous secret keeps working until ${rotated.previousSecretsExpireAt ?? "it is revoked"}; run the command again.`,
        );
      }
      io.out(
        `Rotated the client secret of ${options.app} and wrote it to ${capture.key} in ${capture.path}${capture.createsSalt ? " (new encryption salt)" : ""}. ${rotated.replaced ? ` The previously captured secret works until ${rotated.previousSecretsExpireAt ?? "revoked"}.` : ""} The app's other secrets are untouched.\n`,
      );
      return 0;
    }
    value = (await readAll(io.stdin)).replace(/\r?\n$/, "");
    if (value === "") throw new StackSecretsError("standard input was empty: nothing to capture");
    await capture.write(value);
    io.out(`Wrote ${capture.key} (secure) to ${capture.path}${capture.createsSalt ? " (new encryption salt)" : ""}.\n`);
    return 0;
  } catch (error) {
    io.err(`latch-pulumi capture: ${(error as Error).message}\n`);
    return 1;
  }
}
