/**
 * Builds the web console (console/, React + Vite) into console/dist, which the server serves at /console.
 *
 *   node scripts/build-console.ts            # build
 *   node scripts/build-console.ts --if-stale # build only when a source is newer than the last build (npm start)
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { build } from "vite";

const root = path.resolve(import.meta.dirname, "../console");
const built = path.join(root, "dist", "index.html");
/** Server modules the console bundles (plain constants it shares with the API). */
const SHARED = [path.resolve(import.meta.dirname, "../server/db/entities/application-settings.ts")];

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === "dist" || name === "node_modules") continue;
    const full = path.join(dir, name);
    const stat = statSync(full);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(full) : stat.mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(built).mtimeMs;
  } catch {
    return 0;
  }
}

const newest = Math.max(newestSource(root), ...SHARED.map((file) => statSync(file).mtimeMs));
if (process.argv.includes("--if-stale") && builtAt() >= newest) process.exit(0);
await build({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
console.log(`console built into ${path.relative(process.cwd(), path.dirname(built))}`);
