import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CONSOLE_DIST } from "../../../server/http/routes/console.ts";

/** The console's JavaScript budget (issue 24): under 300 KB gzipped, every chunk Vite wrote counted. */
const BUDGET_BYTES = 300 * 1024;

describe("the console's bundle", () => {
  it("keeps its JavaScript under 300 KB gzipped (run `npm run console:build` first)", async () => {
    const assets = path.join(CONSOLE_DIST, "assets");
    const scripts = (await readdir(assets)).filter((name) => name.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const name of scripts) total += gzipSync(await readFile(path.join(assets, name)), { level: 9 }).length;
    expect(total).toBeGreaterThan(50 * 1024);
    expect(total, `${(total / 1024).toFixed(1)} KB gzipped`).toBeLessThan(BUDGET_BYTES);
  });
});
