import type { MikroORM } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "../crypto/master-key.ts";
import type { Logger } from "../logger.ts";
import { rotateSigningKey } from "./rotate-signing-key.ts";

const CHECK_INTERVAL_MS = 60 * 60_000;

/**
 * Rotates the signing key once it is older than `rotateAfterDays`, checking hourly. Every replica runs this; the
 * row lock and the age re-check inside the rotation make exactly one of them rotate.
 */
export function scheduleSigningKeyRotation(deps: {
  orm: MikroORM;
  keyring: MasterKeyring;
  logger: Logger;
  rotateAfterDays: number;
  onRotated: () => void;
}): { stop(): void } {
  if (deps.rotateAfterDays <= 0) return { stop() {} };
  const check = async () => {
    const now = new Date();
    const olderThan = new Date(now.getTime() - deps.rotateAfterDays * 86_400_000);
    try {
      const result = await rotateSigningKey(deps.orm.em, deps.keyring, { olderThan }, now);
      if (result) {
        deps.logger.info({ activeKid: result.activeKid, retiredKid: result.retiredKid }, "rotated signing key");
        deps.onRotated();
      }
    } catch (error) {
      deps.logger.error({ err: error }, "signing key rotation failed; will retry");
    }
  };
  const timer = setInterval(() => void check(), CHECK_INTERVAL_MS);
  timer.unref();
  void check();
  return { stop: () => clearInterval(timer) };
}
