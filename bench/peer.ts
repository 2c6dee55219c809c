/**
 * The peer: node-oidc-provider (the pinned devDependency) with its default in-memory adapter, ES256 keys, and the
 * clientCredentials, introspection and resourceIndicators features on. Client `bench-cc-jwt` and `bench-web` get
 * RFC 9068 JWT access tokens (through a default resource server); `bench-cc-opaque` gets opaque ones.
 *
 * Run as a child process (`startPeer()` forks this file), so its CPU is its own, like Latch's. The parent mints
 * codes, refresh tokens and access tokens ahead of a run over IPC: the peer keeps them in memory, so only it can.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
// The provider's own default adapter class; only its store is swapped (see UncappedStore).
import MemoryAdapter from "oidc-provider/lib/adapters/memory_adapter.js";
import { BENCH_SCOPE, REDIRECT_URI, RESOURCE } from "./fixtures.ts";

export const PEER_CLIENTS = {
  ccJwt: { id: "bench-cc-jwt", secret: "bench-cc-jwt-secret-0123456789abcdef0123456789" },
  ccOpaque: { id: "bench-cc-opaque", secret: "bench-cc-opaque-secret-0123456789abcdef012345" },
  resourceServer: { id: "bench-rs", secret: "bench-rs-secret-0123456789abcdef0123456789abcd" },
  web: { id: "bench-web", secret: "bench-web-secret-0123456789abcdef0123456789abc" },
} as const;

export const PEER_ACCOUNT = "bench-user-1";

type MintRequest =
  | { id: number; kind: "codes"; count: number; codeChallenge: string }
  | { id: number; kind: "refresh"; count: number }
  | { id: number; kind: "userinfo-tokens"; count: number };

type MintReply = { id: number; values?: string[]; error?: string };

/**
 * The default in-memory adapter keeps its data in an LRU of 1000 entries, so codes and refresh tokens minted ahead of
 * a run (tens of thousands) would be evicted before they are used. This is the same get/set/delete with expiry, in
 * one Map without the cap; the adapter logic is oidc-provider's own MemoryAdapter.
 */
class UncappedStore {
  readonly #entries = new Map<string, { value: unknown; expiry: number }>();
  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiry && entry.expiry <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }
  set(key: string, value: unknown, { maxAge }: { maxAge?: number } = {}): void {
    this.#entries.set(key, { value, expiry: maxAge ? Date.now() + maxAge : 0 });
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
}

async function serve(): Promise<void> {
  const store = new UncappedStore();
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "bench-es256", alg: "ES256", use: "sig" };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const confidential = (id: string, secret: string, extra: Record<string, unknown>) => ({
    client_id: id,
    client_secret: secret,
    token_endpoint_auth_method: "client_secret_basic" as const,
    response_types: [],
    redirect_uris: [],
    ...extra,
  });
  const jwtClients = new Set<string>([PEER_CLIENTS.ccJwt.id, PEER_CLIENTS.web.id]);
  const provider = new Provider(issuer, {
    clients: [
      confidential(PEER_CLIENTS.ccJwt.id, PEER_CLIENTS.ccJwt.secret, {
        grant_types: ["client_credentials"],
        scope: BENCH_SCOPE,
      }),
      confidential(PEER_CLIENTS.ccOpaque.id, PEER_CLIENTS.ccOpaque.secret, {
        grant_types: ["client_credentials"],
        scope: BENCH_SCOPE,
      }),
      confidential(PEER_CLIENTS.resourceServer.id, PEER_CLIENTS.resourceServer.secret, {
        grant_types: ["client_credentials"],
      }),
      confidential(PEER_CLIENTS.web.id, PEER_CLIENTS.web.secret, {
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: [REDIRECT_URI],
      }),
    ],
    adapter: (model: string) => new MemoryAdapter(model, store),
    jwks: { keys: [jwk] },
    clientDefaults: { id_token_signed_response_alg: "ES256" },
    scopes: ["openid", "offline_access", "identify", BENCH_SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Any authenticated client may introspect any token, like Latch's resource servers within one organization.
      introspection: { enabled: true, allowedPolicy: async () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, client, oneOf) =>
          oneOf ?? (client && jwtClients.has(client.clientId) ? RESOURCE : undefined),
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: BENCH_SCOPE,
          audience: RESOURCE,
          accessTokenFormat: "jwt",
          accessTokenTTL: 3600,
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: `Bench user ${id}`, email: `${id}@example.com` }),
    }),
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      AuthorizationCode: 600,
      RefreshToken: 86_400,
      Grant: 86_400,
      Session: 86_400,
      Interaction: 3600,
      IdToken: 3600,
    },
    // Latch rotates every refresh token and issues one to any client registered for the grant: so does the peer.
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    pkce: { required: () => true },
  });
  provider.proxy = false;
  server.on("request", provider.callback());
  server.keepAliveTimeout = 65_000;

  // A grant per minted item, as one per user: the adapter indexes every token by grant, and one grant with
  // thousands of tokens would make each save scan them all.
  const newGrant = async () => {
    const grant = new provider.Grant({ accountId: PEER_ACCOUNT, clientId: PEER_CLIENTS.web.id });
    grant.addOIDCScope("openid offline_access identify");
    grant.addResourceScope(RESOURCE, BENCH_SCOPE);
    return grant.save();
  };
  const webClient = await provider.Client.find(PEER_CLIENTS.web.id);
  if (!webClient) throw new Error("peer: bench-web client missing");

  async function mint(request: MintRequest): Promise<string[]> {
    const values: string[] = [];
    const authTime = Math.floor(Date.now() / 1000);
    for (let i = 0; i < request.count; i++) {
      const grantId = await newGrant();
      if (request.kind === "codes") {
        const code = new provider.AuthorizationCode({
          accountId: PEER_ACCOUNT,
          client: webClient!,
          grantId,
          scope: `offline_access ${BENCH_SCOPE}`,
          redirectUri: REDIRECT_URI,
          codeChallenge: request.codeChallenge,
          codeChallengeMethod: "S256",
          resource: RESOURCE,
          authTime,
          gty: "authorization_code",
        });
        values.push(await code.save());
      } else if (request.kind === "refresh") {
        const token = new provider.RefreshToken({
          accountId: PEER_ACCOUNT,
          client: webClient!,
          grantId,
          gty: "authorization_code",
          scope: `offline_access ${BENCH_SCOPE}`,
          resource: RESOURCE,
          rotations: 0,
          authTime,
        });
        values.push(await token.save());
      } else {
        // Opaque, for the userinfo endpoint (the peer's /api/v1/users/@me).
        const token = new provider.AccessToken({
          accountId: PEER_ACCOUNT,
          client: webClient!,
          grantId,
          gty: "authorization_code",
          scope: "openid identify",
        });
        values.push(await token.save());
      }
    }
    return values;
  }

  process.on("message", (message: MintRequest) => {
    mint(message).then(
      (values) => process.send?.({ id: message.id, values } satisfies MintReply),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) } satisfies MintReply),
    );
  });
  process.on("SIGTERM", () => process.exit(0));
  process.send?.({ ready: true, url: issuer });
}

export type Peer = {
  readonly url: string;
  readonly pid: number;
  mint(kind: MintRequest["kind"], count: number, codeChallenge?: string): Promise<string[]>;
  stop(): Promise<void>;
};

/** Forks the peer and waits until it listens. */
export async function startPeer(): Promise<Peer> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ["--serve"], {
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  // The in-memory adapter's start-up warning is the point of the comparison, not news: keep other output.
  child.stderr?.on("data", (chunk: Buffer) => {
    const lines = chunk
      .toString()
      .split("\n")
      .filter((line) => line && !line.startsWith("oidc-provider WARNING"));
    if (lines.length > 0) process.stderr.write(`${lines.join("\n")}\n`);
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`peer exited with ${code} before it was ready`)));
    child.on("message", (message: { ready?: boolean; url?: string }) => {
      if (message.ready && message.url) resolve(message.url);
    });
  });
  let nextId = 0;
  const pending = new Map<number, { resolve(values: string[]): void; reject(error: Error): void }>();
  child.on("message", (message: MintReply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.values ?? []);
  });
  return {
    url,
    pid: child.pid!,
    async mint(kind, count, codeChallenge = "") {
      const values: string[] = [];
      // Batches keep each IPC message small.
      for (let done = 0; done < count; done += 5000) {
        const id = nextId++;
        const batch = Math.min(5000, count - done);
        const request =
          kind === "codes" ? { id, kind, count: batch, codeChallenge } : ({ id, kind, count: batch } as MintRequest);
        values.push(
          ...(await new Promise<string[]>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            child.send(request);
          })),
        );
      }
      return values;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A PKCE pair (RFC 7636, S256) shared by every pre-minted code of a run. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

if (import.meta.main && process.argv.includes("--serve")) {
  serve().catch((error: unknown) => {
    const detail = (error as { error_description?: string }).error_description ?? "";
    process.stderr.write(`peer failed: ${detail} ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
