/**
 * Latch under benchmark: a fresh database of its own (on DATABASE_URL's server, else an embedded PostgreSQL in a
 * temporary directory), the real server as its own process (`node server/main.ts`), and the fixtures the scenarios
 * need, seeded through the same services the control plane uses (codes and refresh tokens in bulk with SQL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { generateMasterKey } from "../server/crypto/master-key.ts";
import { hashPassword } from "../server/crypto/password.ts";
import { mintSecret } from "../server/crypto/prefixed-secret.ts";
import { hashSecret } from "../server/crypto/sha256.ts";
import { findFreePort, startEmbeddedPostgres } from "../server/db/embedded-postgres.ts";
import { Grant, Membership, Organization, User } from "../server/db/entities/index.ts";
import { createOrmOptions } from "../server/db/orm-options.ts";
import { createLogger } from "../server/logger.ts";
import { createApplication } from "../server/services/applications/create-application.ts";
import { createApiKey } from "../server/services/create-api-key.ts";
import { BENCH_SCOPE, REDIRECT_URI } from "./fixtures.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..");

export type BenchDatabase = {
  /** The server's maintenance database (create/drop). */
  readonly adminUrl: string;
  /** Latch's own database. */
  readonly url: string;
  readonly embedded: boolean;
  drop(): Promise<void>;
};

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `latch_bench_<timestamp>` on DATABASE_URL's server, or starts an embedded PostgreSQL for the run. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `latch_bench_${Date.now()}_${randomBytes(2).toString("hex")}`;
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let scratch: string | undefined;
  if (!adminUrl) {
    scratch = await mkdtemp(path.join(tmpdir(), "latch-bench-"));
    await chmod(scratch, 0o755);
    const embedded = await startEmbeddedPostgres(path.join(scratch, "postgres"), createLogger("warn"));
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  await admin(adminUrl, `create database ${pg.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    adminUrl,
    url: url.toString(),
    embedded: Boolean(stopEmbedded),
    async drop() {
      await admin(adminUrl, `drop database if exists ${pg.escapeIdentifier(name)} with (force)`).catch(() => undefined);
      await stopEmbedded?.();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}

export type ProcessHandle = {
  readonly url: string;
  readonly pid: number;
  /** Resident set size in MB, from /proc (Linux). */
  rssMb(): Promise<number | null>;
  stop(): Promise<void>;
};

export async function rssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`latch exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`latch did not become ready:\n${output()}`);
}

/**
 * The V8 flags of `npm start` (package.json): a 4 MB young generation instead of V8's default, and an old generation
 * that grows by 20% past what survived the last full GC instead of up to 4x, keep the RSS of a loaded server near
 * 180 MB instead of 230-290 MB, at no measurable cost in CPU per request.
 */
export const LATCH_NODE_FLAGS = ["--max-semi-space-size=4", "--heap-growing-percent=20"];

/** `npm start`'s compile cache: Node reuses the stripped TypeScript instead of loading its stripper (see main.ts). */
const LATCH_COMPILE_CACHE = path.join(REPO_ROOT, "node_modules/.cache/latch");

/** Starts `node server/main.ts` (as `npm start` does) on a free port against `databaseUrl`; it migrates the database itself. */
export async function startLatchProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ProcessHandle> {
  const port = await findFreePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), "latch-bench-data-"));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...LATCH_NODE_FLAGS, "server/main.ts"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATABASE_URL: databaseUrl,
      LATCH_MASTER_KEY: generateMasterKey(),
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: url,
      LATCH_DATA_DIR: dataDir,
      NODE_COMPILE_CACHE: LATCH_COMPILE_CACHE,
      LOG_LEVEL: "warn",
      LATCH_ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
      ...env,
    },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", (chunk: Buffer) => {
    keep(chunk);
    process.stderr.write(`[latch] ${chunk}`);
  });
  await waitReady(url, child, () => output);
  return {
    url,
    pid: child.pid!,
    rssMb: () => rssMb(child.pid!),
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        });
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type SeededApp = { readonly id: string; readonly clientId: string; readonly clientSecret: string };

export type LatchSeed = {
  readonly orm: MikroORM;
  readonly organizationId: string;
  readonly userId: string;
  readonly apiKey: string;
  readonly apps: {
    readonly ccJwt: SeededApp;
    readonly ccOpaque: SeededApp;
    readonly webOpaque: SeededApp;
    readonly resourceServer: SeededApp;
    readonly web: SeededApp;
  };
  /** The user's grant to the web app: every pre-minted code and refresh token belongs to it. */
  readonly grantId: string;
  close(): Promise<void>;
};

/** Seeds an organization, a user, the benchmark apps (through createApplication) and an admin API key. */
export async function seedLatch(databaseUrl: string): Promise<LatchSeed> {
  const orm = await MikroORM.init(createOrmOptions({ clientUrl: databaseUrl, pool: { min: 0, max: 4 } }));
  const em = orm.em.fork();
  const now = new Date();
  const organization = em.create(Organization, { name: "Bench", slug: `bench-${randomBytes(3).toString("hex")}` });
  const email = `bench-${randomBytes(3).toString("hex")}@example.com`;
  const user = em.create(User, {
    email,
    emailNormalized: email,
    emailVerified: true,
    displayName: "Bench User",
    passwordHash: await hashPassword(randomBytes(12).toString("hex")),
    createdAt: now,
    updatedAt: now,
  });
  em.create(Membership, { user, organization, role: "owner", createdAt: now });
  await em.flush();
  const app = async (
    name: string,
    input: {
      grantTypes: string[];
      accessTokenFormat?: "jwt" | "opaque";
      redirectUris?: string[];
      isResourceServer?: boolean;
    },
  ): Promise<SeededApp> => {
    const { application, clientSecret } = await createApplication(
      orm.em.fork(),
      {
        organizationId: organization.id,
        name,
        type: "confidential",
        allowedScopes: [BENCH_SCOPE, "identify", "offline_access"],
        accessTokenFormat: input.accessTokenFormat ?? "jwt",
        grantTypes: input.grantTypes,
        redirectUris: input.redirectUris ?? [],
        isResourceServer: input.isResourceServer ?? false,
        actor: { type: "system" },
      },
      new Date(),
    );
    return { id: application.id, clientId: application.clientId, clientSecret: clientSecret! };
  };
  const apps = {
    ccJwt: await app("Bench CC JWT", { grantTypes: ["client_credentials"] }),
    ccOpaque: await app("Bench CC opaque", { grantTypes: ["client_credentials"], accessTokenFormat: "opaque" }),
    // Introspects the other apps' tokens (RFC 7662 §4): only a resource server may.
    resourceServer: await app("Bench resource server", { grantTypes: ["client_credentials"], isResourceServer: true }),
    web: await app("Bench web", {
      grantTypes: ["authorization_code", "refresh_token"],
      redirectUris: [REDIRECT_URI],
    }),
    webOpaque: await app("Bench web opaque", {
      grantTypes: ["authorization_code"],
      accessTokenFormat: "opaque",
      redirectUris: [REDIRECT_URI],
    }),
  };
  const grant = em.create(Grant, {
    user,
    application: apps.web.id,
    organization: null,
    scopes: [BENCH_SCOPE, "identify", "offline_access"],
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  const { key } = await createApiKey(
    orm.em.fork(),
    { organizationId: organization.id, name: "bench", scopes: ["admin"], actor: { type: "system" } },
    new Date(),
  );
  return {
    orm,
    organizationId: organization.id,
    userId: user.id,
    apiKey: key,
    apps,
    grantId: grant.id,
    close: () => orm.close(true),
  };
}

export async function nativePool(seed: LatchSeed): Promise<pg.Pool> {
  return (await seed.orm.em.getConnection().getNativeClient()) as unknown as pg.Pool;
}

/**
 * Inserts `count` authorization codes (PKCE S256 with `challenge`), valid for ten minutes, of the web app (under the
 * seeded grant) or of `app` (with no grant).
 */
export async function insertCodes(
  seed: LatchSeed,
  count: number,
  challenge: string,
  scopes: readonly string[] = [BENCH_SCOPE],
  app: SeededApp = seed.apps.web,
): Promise<string[]> {
  const codes = Array.from({ length: count }, () => mintSecret("latch_ac_"));
  const pool = await nativePool(seed);
  for (let i = 0; i < codes.length; i += 10_000) {
    const slice = codes.slice(i, i + 10_000);
    await pool.query(
      `insert into authorization_codes (id, code_hash, application_id, user_id, grant_id, organization_id, redirect_uri,
         scopes, code_challenge, code_challenge_method, nonce, auth_time, created_at, expires_at, consumed_at)
       select gen_random_uuid(), h, $2, $3, $4, null, $5, $6, $7, 'S256', null, now(), now(), now() + interval '10 minutes', null
       from unnest($1::text[]) as h`,
      [
        slice.map(hashSecret),
        app.id,
        seed.userId,
        app === seed.apps.web ? seed.grantId : null,
        REDIRECT_URI,
        scopes,
        challenge,
      ],
    );
  }
  return codes;
}

/** Inserts `count` refresh tokens of the web app, each the start of its own family. */
export async function insertRefreshTokens(seed: LatchSeed, count: number): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => mintSecret("latch_rt_"));
  const pool = await nativePool(seed);
  await pool.query(
    `insert into refresh_tokens (id, token_hash, application_id, user_id, grant_id, family_id, parent_id,
       authorization_code_id, scopes, created_at, expires_at, rotated_at, revoked_at, revoked_reason)
     select gen_random_uuid(), h, $2, $3, $4, gen_random_uuid(), null, null, $5, now(), now() + interval '1 day',
       null, null, null
     from unnest($1::text[]) as h`,
    [tokens.map(hashSecret), seed.apps.web.id, seed.userId, seed.grantId, [BENCH_SCOPE, "offline_access"]],
  );
  return tokens;
}

export const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;

export const newId = () => randomUUID();
