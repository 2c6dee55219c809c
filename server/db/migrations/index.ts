import type { Constructor } from "@mikro-orm/core";
import type { Migration } from "@mikro-orm/migrations";
import { Migration20261123192423 } from "./Migration20261123192423.ts";

/** Every migration class, oldest first; `node scripts/create-migration.ts` rewrites this file. */
export const migrations: Constructor<Migration>[] = [Migration20261123192423];
