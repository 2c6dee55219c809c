import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/config.ts";
import { findFreePort } from "../../../server/db/embedded-postgres.ts";
import { createLogger } from "../../../server/logger.ts";
import { startLatch } from "../../../server/start.ts";
import { postGraphQL } from "../../support/graphql.ts";

let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(dir: string) {
  const port = await findFreePort();
  const config = loadConfig({ LATCH_DATA_DIR: dir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent" });
  return { latch: await startLatch(config, createLogger("silent")), url: `http://127.0.0.1:${port}` };
}

describe("embedded mode (no DATABASE_URL)", () => {
  it("starts its own PostgreSQL, and a restart keeps the data, the master key and the signing keys", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "latch-embedded-"));
    await chmod(dataDir, 0o755);

    const first = await start(dataDir);
    const apiKey = first.latch.firstRun?.apiKey;
    expect(apiKey).toMatch(/^latch_ak_/);
    const jwksBefore = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    const masterKey = await readFile(path.join(dataDir, "master.key"), "utf8");
    expect((await stat(path.join(dataDir, "master.key"))).mode & 0o777).toBe(0o600);
    await first.latch.close();

    const second = await start(dataDir);
    try {
      expect(second.latch.firstRun).toBeNull();
      expect(await readFile(path.join(dataDir, "master.key"), "utf8")).toBe(masterKey);
      expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      const { json } = await postGraphQL(second.url, { query: "{ organization { slug } }" }, apiKey);
      expect(json.data.organization.slug).toBe("default");
    } finally {
      await second.latch.close();
    }
  });
});
