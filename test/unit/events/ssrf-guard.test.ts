import { describe, expect, it, vi } from "vitest";
import {
  forbiddenAddressKind,
  resolveDeliveryTarget,
  WebhookTargetRefusedError,
} from "../../../server/events/ssrf-guard.ts";

const PUBLIC_V4 = "93.184.215.14";
const PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c";

async function refusal(promise: Promise<unknown>): Promise<WebhookTargetRefusedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookTargetRefusedError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("forbiddenAddressKind", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private (carrier-grade NAT)"],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.10.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd00:ec2::254", "private (unique local)"],
    ["fc00::1", "private (unique local)"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "cloud metadata"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::169.254.169.254", "cloud metadata"],
    ["2002:0a00:0001::1", "private"],
    ["[::1]", "loopback"],
  ])("refuses %s as %s", (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each([PUBLIC_V4, "8.8.8.8", "172.32.0.1", "11.0.0.1", PUBLIC_V6, "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"])(
    "allows the public address %s",
    (address) => {
      expect(forbiddenAddressKind(address)).toBeNull();
    },
  );
});

describe("resolveDeliveryTarget", () => {
  it.each([
    "https://127.0.0.1:8443/hook",
    "https://10.0.0.1/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/x",
    "https://[::ffff:169.254.169.254]/x",
  ])("refuses the literal %s without looking anything up", async (url) => {
    const lookup = vi.fn();
    const error = await refusal(resolveDeliveryTarget(url, { allowPrivate: false, lookup }));
    expect(error.code).toBe("ERR_WEBHOOK_ADDRESS_FORBIDDEN");
    expect(error.message).toMatch(/^refused to deliver to .*(loopback|private|cloud metadata) address/);
    expect(error.message).toContain("LATCH_ALLOW_PRIVATE_WEBHOOKS=true");
    expect(lookup).not.toHaveBeenCalled();
  });

  it("checks every address a name resolves to, at delivery time", async () => {
    const lookup = vi.fn(async (host: string) =>
      host === "rebound.example.com"
        ? [
            { address: PUBLIC_V4, family: 4 },
            { address: "10.1.2.3", family: 4 },
          ]
        : [{ address: "169.254.169.254", family: 4 }],
    );
    const rebound = await refusal(
      resolveDeliveryTarget("https://rebound.example.com/h", { allowPrivate: false, lookup }),
    );
    expect(rebound.message).toBe(
      "refused to deliver to rebound.example.com (10.1.2.3): a private address (set LATCH_ALLOW_PRIVATE_WEBHOOKS=true to allow private receivers)",
    );
    const metadata = await refusal(
      resolveDeliveryTarget("https://metadata.example.com/", { allowPrivate: false, lookup }),
    );
    expect(metadata.message).toContain("a cloud metadata address");
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it("returns the checked address so the connection is pinned to it", async () => {
    const lookup = async () => [
      { address: PUBLIC_V6, family: 6 },
      { address: PUBLIC_V4, family: 4 },
    ];
    const target = await resolveDeliveryTarget("https://hooks.example.com/latch", { allowPrivate: false, lookup });
    expect(target).toMatchObject({ address: PUBLIC_V6, family: 6 });
    expect(target.url.hostname).toBe("hooks.example.com");
  });

  it("refuses plain http unless private receivers are allowed, and names that do not resolve", async () => {
    const lookup = async () => [{ address: PUBLIC_V4, family: 4 }];
    const http = await refusal(resolveDeliveryTarget("http://hooks.example.com/", { allowPrivate: false, lookup }));
    expect(http.code).toBe("ERR_WEBHOOK_URL_SCHEME");
    expect(http.message).toMatch(/must use https/);
    const missing = await refusal(
      resolveDeliveryTarget("https://nowhere.invalid/", {
        allowPrivate: false,
        lookup: async () => {
          throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
        },
      }),
    );
    expect(missing).toMatchObject({ code: "ERR_WEBHOOK_DNS", message: "could not resolve nowhere.invalid: ENOTFOUND" });
  });

  it("allows private addresses and http with LATCH_ALLOW_PRIVATE_WEBHOOKS", async () => {
    await expect(resolveDeliveryTarget("http://127.0.0.1:9000/h", { allowPrivate: true })).resolves.toMatchObject({
      address: "127.0.0.1",
      family: 4,
    });
    const lookup = async () => [{ address: "10.0.0.7", family: 4 }];
    await expect(
      resolveDeliveryTarget("http://hooks.internal/", { allowPrivate: true, lookup }),
    ).resolves.toMatchObject({
      address: "10.0.0.7",
    });
  });
});
