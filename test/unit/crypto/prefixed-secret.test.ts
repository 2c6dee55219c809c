import { describe, expect, it } from "vitest";
import { CryptoError } from "../../../server/crypto/errors.ts";
import {
  hasValidChecksum,
  isWellFormedWebhookSecret,
  mintSecret,
  parseSecretPrefix,
  SECRET_BODY_LENGTH,
  SECRET_CHECKSUM_LENGTH,
  SECRET_PREFIXES,
  type SecretPrefix,
} from "../../../server/crypto/prefixed-secret.ts";

const CHECKSUMMED = Object.values(SECRET_PREFIXES).filter((prefix) => prefix !== "whsec_");

/** The same token with the character at `index` replaced by a different base62 character. */
function flipChar(token: string, index: number): string {
  const replacement = token[index] === "a" ? "b" : "a";
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

describe("mintSecret", () => {
  it.each(CHECKSUMMED)("mints %s secrets as prefix + 43 base62 body + 6 base62 checksum", (prefix) => {
    const token = mintSecret(prefix);
    expect(token).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{${SECRET_BODY_LENGTH + SECRET_CHECKSUM_LENGTH}}$`));
    expect(token).toHaveLength(prefix.length + 49);
  });

  it("mints webhook secrets in the exact Standard Webhooks shape", () => {
    const token = mintSecret(SECRET_PREFIXES.webhookSecret);
    expect(token).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(token.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(isWellFormedWebhookSecret(token)).toBe(true);
  });

  it("mints 1000 distinct secrets of the documented length", () => {
    const tokens = Array.from({ length: 1000 }, () => mintSecret(SECRET_PREFIXES.accessToken));
    expect(new Set(tokens).size).toBe(1000);
    for (const token of tokens) expect(token).toHaveLength("latch_at_".length + 49);
  });

  it("spreads the random part over the whole base62 alphabet", () => {
    const bodies = Array.from({ length: 200 }, () => mintSecret(SECRET_PREFIXES.apiKey).slice(9, -6)).join("");
    expect(new Set(bodies).size).toBe(62);
  });

  it("refuses a prefix that is not one of ours", () => {
    expect(() => mintSecret("latch_xx_" as SecretPrefix)).toThrow(
      expect.objectContaining({ code: "ERR_SECRET_PREFIX_UNKNOWN" }),
    );
    expect(() => mintSecret("nope" as SecretPrefix)).toThrow(CryptoError);
  });
});

describe("parseSecretPrefix", () => {
  it.each(Object.values(SECRET_PREFIXES))("reads %s back from a minted secret", (prefix) => {
    expect(parseSecretPrefix(mintSecret(prefix))).toBe(prefix);
  });

  it("returns null for tokens without one of our prefixes", () => {
    expect(parseSecretPrefix("ghp_abc")).toBeNull();
    expect(parseSecretPrefix("")).toBeNull();
    expect(parseSecretPrefix("LATCH_AK_abc")).toBeNull();
  });
});

describe("hasValidChecksum", () => {
  it.each(CHECKSUMMED)("accepts a freshly minted %s secret", (prefix) => {
    expect(hasValidChecksum(mintSecret(prefix))).toBe(true);
  });

  it("rejects a token with any one character of its body or checksum changed", () => {
    const token = mintSecret(SECRET_PREFIXES.clientSecret);
    for (let index = "latch_cs_".length; index < token.length; index++) {
      expect(hasValidChecksum(flipChar(token, index)), `changed at ${index}`).toBe(false);
    }
  });

  it("rejects a valid body moved under another kind's prefix", () => {
    const token = mintSecret(SECRET_PREFIXES.refreshToken);
    expect(hasValidChecksum(`latch_at_${token.slice("latch_rt_".length)}`)).toBe(false);
  });

  it("rejects noise, truncation, extension and non-base62 characters", () => {
    const token = mintSecret(SECRET_PREFIXES.apiKey);
    expect(hasValidChecksum("latch_ak_")).toBe(false);
    expect(hasValidChecksum("not a token")).toBe(false);
    expect(hasValidChecksum(token.slice(0, -1))).toBe(false);
    expect(hasValidChecksum(`${token}0`)).toBe(false);
    expect(hasValidChecksum(`${token.slice(0, 20)}-${token.slice(21)}`)).toBe(false);
  });

  it("is false for webhook secrets, which carry no checksum", () => {
    expect(hasValidChecksum(mintSecret(SECRET_PREFIXES.webhookSecret))).toBe(false);
  });
});

describe("isWellFormedWebhookSecret", () => {
  it("rejects other shapes", () => {
    expect(isWellFormedWebhookSecret("whsec_abc")).toBe(false);
    expect(isWellFormedWebhookSecret(mintSecret(SECRET_PREFIXES.apiKey))).toBe(false);
    // Same 32 bytes as all-"A", but stray low bits in the last character: not canonical.
    expect(isWellFormedWebhookSecret(`whsec_${"A".repeat(42)}B=`)).toBe(false);
    expect(isWellFormedWebhookSecret(`whsec_${"A".repeat(43)}=`)).toBe(true);
  });
});
