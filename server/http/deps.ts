import type { MikroORM } from "@mikro-orm/postgresql";
import type { Config } from "../config.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import type { Logger } from "../logger.ts";
import type { Runtime } from "../runtime.ts";
import type { Mailer } from "../services/mail/mailer.ts";

/** What the REST routes need from the process: handed in by app.ts, never imported as globals. */
export type HttpDeps = {
  readonly config: Config;
  readonly orm: MikroORM;
  readonly logger: Logger;
  readonly keyring: MasterKeyring;
  /** The process's long-lived state (signer, caches, counters, pool): built once by createRuntime. */
  readonly runtime: Runtime;
  /** Sends the account messages (verification, password reset); built once in start.ts. */
  readonly mailer: Mailer;
};
