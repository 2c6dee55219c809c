import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { releaseProcessExitHooks } from "./db/embedded-postgres.ts";
import { Organization } from "./db/entities/index.ts";
import { createLogger } from "./logger.ts";
import { loadMasterKeyring } from "./master-key-store.ts";
import { API_KEY_SCOPES } from "./services/api-key-scopes.ts";
import { createApiKey } from "./services/create-api-key.ts";
import { ServiceError } from "./services/errors.ts";
import { rotateMasterKey } from "./services/master-key/rotate-master-key.ts";
import { rotateSigningKey } from "./services/rotate-signing-key.ts";

const USAGE = `Usage: npm run latch -- <command> [options]

Commands:
  migrate                          Apply pending database migrations and exit.
  create-api-key --name <name> [--org <slug>] [--scopes <a,b>] [--expires-in-days <n>]
                                   Mint an API key for an organization (default: the only one) and print it once.
                                   Scopes: ${API_KEY_SCOPES.join(", ")} (default: admin).
  rotate-signing-key               Retire the active signing key (kept in the JWKS until its tokens expire) and
                                   activate a new one. Running servers pick it up within a minute.
  rotate-master-key [--batch-size <n>]
                                   Re-wrap every encrypted value under the first key of LATCH_MASTER_KEY (put the
                                   new key first, keep the old ones after it). Resumable: run it again after an
                                   interruption. Once it reports no failure, remove the old keys from the setting.
`;

class UsageError extends Error {}
class RotationIncomplete extends Error {}

type Command = (argv: string[]) => Promise<void>;

async function withDatabase<T>(run: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, createLogger(config.logLevel === "info" ? "warn" : config.logLevel));
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}

const migrate: Command = async () => {
  await withDatabase(async () => undefined);
  process.stdout.write("Database is up to date.\n");
};

const createApiKeyCommand: Command = async (argv) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: "string" },
      org: { type: "string" },
      scopes: { type: "string", default: "admin" },
      "expires-in-days": { type: "string" },
    },
    strict: true,
  });
  if (!values.name) throw new UsageError("create-api-key needs --name");
  const days = values["expires-in-days"] === undefined ? undefined : Number(values["expires-in-days"]);
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
    throw new UsageError("--expires-in-days must be a positive integer");
  }
  await withDatabase(async ({ orm }) => {
    const em = orm.em.fork();
    const organizations = await em.find(Organization, values.org ? { slug: values.org } : {}, { limit: 2 });
    if (organizations.length === 0)
      throw new UsageError(values.org ? `no organization with slug "${values.org}"` : "no organization exists yet");
    if (organizations.length > 1) throw new UsageError("several organizations exist: name one with --org <slug>");
    const now = new Date();
    const { key, apiKey } = await createApiKey(
      em,
      {
        organizationId: organizations[0]!.id,
        name: values.name!,
        scopes: values
          .scopes!.split(",")
          .map((scope) => scope.trim())
          .filter(Boolean),
        expiresAt: days ? new Date(now.getTime() + days * 86_400_000) : null,
        actor: { type: "system", id: "cli" },
      },
      now,
    );
    process.stdout.write(
      `Created API key "${apiKey.name}" (${apiKey.scopes.join(", ")}) for ${organizations[0]!.slug}. It is shown only once:\n${key}\n`,
    );
  });
};

const rotateSigningKeyCommand: Command = async (argv) => {
  parseArgs({ args: argv, options: {}, strict: true });
  const config = loadConfig();
  const keyring = await loadMasterKeyring(config);
  await withDatabase(async ({ orm }) => {
    const result = await rotateSigningKey(orm.em, keyring, {}, new Date());
    if (!result) return;
    const until = result.retiredUntil ? ` stays in the JWKS until ${result.retiredUntil.toISOString()}` : "";
    process.stdout.write(
      `Active signing key is now ${result.activeKid}.${result.retiredKid ? ` ${result.retiredKid}${until}.` : ""}\n`,
    );
  });
};

const rotateMasterKeyCommand: Command = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { "batch-size": { type: "string" } }, strict: true });
  const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0 && batchSize <= 10_000)) {
    throw new UsageError("--batch-size must be an integer from 1 to 10000");
  }
  const keyring = await loadMasterKeyring(loadConfig());
  await withDatabase(async ({ orm }) => {
    const result = await rotateMasterKey(orm.em, keyring, { batchSize });
    for (const column of result.columns) {
      const meanwhile = column.changedMeanwhile ? `, ${column.changedMeanwhile} rewritten meanwhile` : "";
      const failed = column.failed ? `, ${column.failed} FAILED` : "";
      process.stdout.write(`${column.column}: ${column.rewrapped} re-wrapped${meanwhile}${failed}\n`);
    }
    const failures = result.columns.reduce((sum, column) => sum + column.failed, 0);
    if (failures > 0) {
      throw new RotationIncomplete(
        `${failures} value(s) could not be re-wrapped (a key missing from LATCH_MASTER_KEY?); keep every old key until they are`,
      );
    }
    const others = [...keyring.byId.keys()].filter((id) => id !== result.activeKeyId);
    process.stdout.write(
      `Every encrypted value is under master key "${result.activeKeyId}".${others.length ? ` Keys no longer needed: ${others.join(", ")}.` : ""}\n`,
    );
  });
};

const COMMANDS: Record<string, Command> = {
  migrate,
  "create-api-key": createApiKeyCommand,
  "rotate-signing-key": rotateSigningKeyCommand,
  "rotate-master-key": rotateMasterKeyCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(
      name && name !== "help" && name !== "--help" ? `Unknown command "${name}".\n\n${USAGE}` : USAGE,
    );
    return name === "help" || name === "--help" ? 0 : 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof ServiceError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof RotationIncomplete) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`latch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

releaseProcessExitHooks();
process.exit(await main(process.argv.slice(2)));
