import { describe, expect, it } from "vitest";
import { WORKSPACE_SCOPES } from "../../../server/oauth/scope-catalogue.ts";
import {
  checkScopesAllowed,
  expandScopes,
  formatScope,
  isScopeSubset,
  parseScopeParam,
} from "../../../server/oauth/scopes.ts";

const invalidScope = (description?: string | RegExp) =>
  expect.objectContaining({
    code: "invalid_scope",
    ...(description === undefined ? {} : { description: expect.stringMatching(description) }),
  });

describe("parseScopeParam", () => {
  it("splits on spaces and de-duplicates in order", () => {
    expect(parseScopeParam("identify email identify chat:read")).toEqual(["identify", "email", "chat:read"]);
    expect(parseScopeParam("  identify   email ")).toEqual(["identify", "email"]);
  });

  it("gives no scopes for an absent or empty parameter", () => {
    expect(parseScopeParam(undefined)).toEqual([]);
    expect(parseScopeParam("")).toEqual([]);
  });

  it("refuses tokens outside NQCHAR without echoing them", () => {
    for (const bad of ['a"b', "a\\b", "a\tb", "é", "a\nb"]) {
      expect(() => parseScopeParam(`identify ${bad}`)).toThrow(invalidScope(/^scope token 2 contains a character/));
    }
  });
});

describe("expandScopes", () => {
  it("expands all to every workspace scope and keeps all itself", () => {
    expect(expandScopes(["identify", "all", "chat:read"])).toEqual([
      "identify",
      "all",
      "chat:read",
      ...WORKSPACE_SCOPES.filter((scope) => scope !== "chat:read"),
    ]);
    expect(expandScopes(["identify", "identify"])).toEqual(["identify"]);
  });
});

describe("checkScopesAllowed", () => {
  it("accepts scopes the client lists, workspace scopes under all, and openid always", () => {
    expect(() => checkScopesAllowed(["identify", "openid", "knowledge:write"], ["identify", "all"])).not.toThrow();
    expect(() => checkScopesAllowed([], [])).not.toThrow();
  });

  it("names the first scope the client may not request", () => {
    expect(() => checkScopesAllowed(["identify", "email", "guilds"], ["identify"])).toThrow(
      invalidScope(/^scope "email" is not allowed for this client$/),
    );
    expect(() => checkScopesAllowed(["all"], ["chat:read"])).toThrow(invalidScope(/"all"/));
    expect(() => checkScopesAllowed(["profile"], ["identify"])).toThrow(invalidScope(/"profile"/));
    expect(() => checkScopesAllowed(["offline_access"], ["identify"])).toThrow(invalidScope(/"offline_access"/));
  });
});

describe("isScopeSubset", () => {
  it("compares expanded sets", () => {
    expect(isScopeSubset(["chat:read"], ["all"])).toBe(true);
    expect(isScopeSubset(["all"], ["chat:read"])).toBe(false);
    expect(isScopeSubset([...WORKSPACE_SCOPES], ["all"])).toBe(true);
    expect(isScopeSubset([], ["identify"])).toBe(true);
    expect(isScopeSubset(["identify", "email"], ["identify"])).toBe(false);
  });
});

describe("formatScope", () => {
  it("joins with single spaces", () => {
    expect(formatScope(["identify", "email"])).toBe("identify email");
    expect(formatScope([])).toBe("");
  });
});
