import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_EVENT_TYPES, EVENT_TYPES } from "../../../server/services/event-types.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../server/services/webhooks/event-types.ts";

const README = readFileSync(path.resolve(import.meta.dirname, "../../../server/events/README.md"), "utf8");

describe("the event catalogue", () => {
  it("names each type once, and keeps delivered and audit-only types apart", () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    const delivered = new Set<string>(WEBHOOK_EVENT_TYPES);
    expect(AUDIT_EVENT_TYPES.filter((type) => delivered.has(type))).toEqual([]);
  });

  it("documents every type in server/events/README.md", () => {
    expect(EVENT_TYPES.filter((type) => !README.includes(`\`${type}\``))).toEqual([]);
  });
});
