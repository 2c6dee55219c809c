import { describe, expect, it } from "vitest";
import { resolveClientAddress } from "../../../server/http/client-ip.ts";

describe("resolveClientAddress", () => {
  it("ignores X-Forwarded-For without trusted proxies: a client can write anything there", () => {
    expect(resolveClientAddress("198.51.100.7", "203.0.113.9", 0)).toBe("198.51.100.7");
  });

  it("takes the address the trusted proxy saw, not what the client claimed further left", () => {
    // client claimed 1.2.3.4; the real client 203.0.113.9 reached the proxy, which connected from 10.0.0.2.
    expect(resolveClientAddress("10.0.0.2", "1.2.3.4, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.2", "203.0.113.9, 10.0.0.1", 2)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.2", "2001:db8::5", 1)).toBe("2001:db8::5");
  });

  it("falls back to the socket address for a missing header, a short chain's junk or a malformed entry", () => {
    expect(resolveClientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "not-an-ip", 1)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "203.0.113.9", 5)).toBe("203.0.113.9");
    expect(resolveClientAddress(undefined, undefined, 0)).toBe("unknown");
  });
});
