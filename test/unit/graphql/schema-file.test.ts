import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printSchemaSdl } from "../../../server/graphql/schema.ts";

describe("schema.graphql", () => {
  it("matches the Pothos schema (run `npm run schema:print` after changing a type)", () => {
    const committed = readFileSync(new URL("../../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printSchemaSdl());
  });

  it("exposes viewer and organization", () => {
    const sdl = printSchemaSdl();
    expect(sdl).toContain("viewer: Viewer!");
    expect(sdl).toContain("organization: Organization!");
    expect(sdl).toMatch(/type Organization implements Node/);
  });
});
