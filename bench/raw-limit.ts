/**
 * The raw limit: a bare node:http server that does nothing but sign the same RFC 9068 access token Latch issues for
 * client_credentials (ES256 with jose) and answer the token response. No routing, no client authentication, no
 * database: how fast this machine can possibly answer a token request through Node's HTTP stack.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPair, SignJWT } from "jose";
import { BENCH_SCOPE } from "./fixtures.ts";

async function serve(): Promise<void> {
  const { privateKey } = await generateKeyPair("ES256");
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const iat = Math.floor(Date.now() / 1000);
      new SignJWT({
        iss: issuer,
        sub: "latch_ci_raw",
        aud: issuer,
        client_id: "latch_ci_raw",
        jti: randomUUID(),
        iat,
        exp: iat + 604800,
        scope: BENCH_SCOPE,
      })
        .setProtectedHeader({ alg: "ES256", kid: "raw", typ: "at+jwt" })
        .sign(privateKey)
        .then((token) => {
          const body = JSON.stringify({
            access_token: token,
            token_type: "Bearer",
            expires_in: 604800,
            scope: BENCH_SCOPE,
          });
          res.writeHead(200, {
            "content-type": "application/json",
            "cache-control": "no-store",
            "content-length": Buffer.byteLength(body),
          });
          res.end(body);
        });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.on("SIGTERM", () => process.exit(0));
  process.send?.({ ready: true, url: issuer });
}

export type RawLimit = { readonly url: string; readonly pid: number; stop(): Promise<void> };

export async function startRawLimit(): Promise<RawLimit> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ["--serve"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`raw limit server exited with ${code}`)));
    child.on("message", (message: { ready?: boolean; url?: string }) => {
      if (message.ready && message.url) resolve(message.url);
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

if (import.meta.main && process.argv.includes("--serve")) {
  serve().catch((error: unknown) => {
    process.stderr.write(`raw limit failed: ${String(error)}\n`);
    process.exit(1);
  });
}
