import { describe, expect, it } from "vitest";
import { mayIntrospect } from "../../../server/oauth/introspection.ts";

describe("mayIntrospect (RFC 7662 §4)", () => {
  const token = { clientId: "a", organizationId: "org" };
  it("lets an app introspect its own tokens", () => {
    expect(mayIntrospect({ clientId: "a", organizationId: "org", isResourceServer: false }, token)).toBe(true);
  });
  it("refuses another app of the organization unless it is a resource server", () => {
    expect(mayIntrospect({ clientId: "b", organizationId: "org", isResourceServer: false }, token)).toBe(false);
    expect(mayIntrospect({ clientId: "r", organizationId: "org", isResourceServer: true }, token)).toBe(true);
  });
  it("refuses every app of another organization, a resource server too", () => {
    expect(mayIntrospect({ clientId: "r", organizationId: "other", isResourceServer: true }, token)).toBe(false);
    expect(mayIntrospect({ clientId: "a", organizationId: "other", isResourceServer: true }, token)).toBe(false);
  });
});
