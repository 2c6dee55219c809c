import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "./config.ts";
import { generateMasterKey, type MasterKeyring, parseMasterKeys } from "./crypto/master-key.ts";

/**
 * The master keyring: from LATCH_MASTER_KEY when set; in embedded development mode, from a key generated once
 * into the data directory (0600) so restarts can still decrypt what earlier runs stored.
 */
export async function loadMasterKeyring(config: Pick<Config, "masterKey" | "dataDir">): Promise<MasterKeyring> {
  if (config.masterKey) return parseMasterKeys(config.masterKey);
  const file = path.join(config.dataDir, "master.key");
  if (!existsSync(file)) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, `${generateMasterKey()}\n`, { mode: 0o600, flag: "wx" });
  }
  return parseMasterKeys((await readFile(file, "utf8")).trim());
}
