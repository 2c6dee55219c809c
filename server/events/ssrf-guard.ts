import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";

/** Why a webhook target was refused before any byte was sent to it; `code` is stable, `message` says what to do. */
export class WebhookTargetRefusedError extends Error {
  readonly code: "ERR_WEBHOOK_URL_SCHEME" | "ERR_WEBHOOK_ADDRESS_FORBIDDEN" | "ERR_WEBHOOK_DNS";
  constructor(code: WebhookTargetRefusedError["code"], message: string) {
    super(message);
    this.name = "WebhookTargetRefusedError";
    this.code = code;
  }
}

type Range = { readonly bytes: readonly number[]; readonly prefix: number; readonly kind: string };

const v4 = (cidr: string, kind: string): Range => {
  const [address, prefix] = cidr.split("/");
  return { bytes: address!.split(".").map(Number), prefix: Number(prefix), kind };
};
const v6 = (cidr: string, kind: string): Range => {
  const [address, prefix] = cidr.split("/");
  return { bytes: parseIpv6(address!)!, prefix: Number(prefix), kind };
};

/** IPv4 space a webhook must never reach: this host, the private networks, and everything not globally routed. */
const IPV4_FORBIDDEN: readonly Range[] = [
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "private (carrier-grade NAT)"),
  v4("127.0.0.0/8", "loopback"),
  // 169.254.169.254 is the metadata service of AWS, GCP, Azure and others: credentials live there.
  v4("169.254.169.254/32", "cloud metadata"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "reserved"),
  v4("192.0.2.0/24", "reserved (documentation)"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "reserved (benchmarking)"),
  v4("198.51.100.0/24", "reserved (documentation)"),
  v4("203.0.113.0/24", "reserved (documentation)"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"),
];

const IPV6_FORBIDDEN: readonly Range[] = [
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("100::/64", "reserved (discard)"),
  v6("2001:db8::/32", "reserved (documentation)"),
  v6("64:ff9b:1::/48", "private (local NAT64)"),
  // fd00:ec2::254, the AWS metadata service over IPv6, is in here too.
  v6("fc00::/7", "private (unique local)"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "private (site-local)"),
  v6("ff00::/8", "multicast"),
];

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits (or bits 16–48 for 6to4): judged by that address. */
const IPV6_EMBEDDING_IPV4: readonly { range: Range; offset: number }[] = [
  { range: v6("::ffff:0:0/96", "IPv4-mapped"), offset: 12 },
  { range: v6("::/96", "IPv4-compatible"), offset: 12 },
  { range: v6("64:ff9b::/96", "NAT64"), offset: 12 },
  { range: v6("2002::/16", "6to4"), offset: 2 },
];

function inRange(bytes: readonly number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const take = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

/** The 16 bytes of an IPv6 address (zone id ignored, embedded dotted quad allowed), or null when it is not one. */
export function parseIpv6(address: string): number[] | null {
  const text = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  if (isIP(text) !== 6) return null;
  let tail: number[] = [];
  let body = text;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = dotted[1]!.split(".").map(Number);
    body = text.slice(0, -dotted[1]!.length);
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const [head, rest] = body.includes("::") ? body.split("::") : [body, undefined];
  const groups = (part: string | undefined) => (part ? part.split(":").filter((g) => g !== "") : []);
  const headGroups = groups(head);
  const restGroups = groups(rest);
  const words = 8 - tail.length / 2;
  const zeros = rest === undefined ? 0 : words - headGroups.length - restGroups.length;
  const all = [...headGroups, ...Array<string>(zeros).fill("0"), ...restGroups];
  if (all.length !== words) return null;
  const bytes = all.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  return [...bytes, ...tail];
}

/**
 * Why `address` (an IPv4 or IPv6 literal) must not receive webhooks: `"loopback"`, `"private"`, `"link-local"`,
 * `"cloud metadata"`, ...; null for a public unicast address. IPv6 forms that embed an IPv4 address (mapped, NAT64,
 * 6to4) are judged by the IPv4 address inside.
 *
 * @example
 * ```ts
 * forbiddenAddressKind("169.254.169.254"); // "cloud metadata"
 * forbiddenAddressKind("::ffff:10.0.0.1"); // "private"
 * forbiddenAddressKind("93.184.215.14"); // null
 * ```
 */
export function forbiddenAddressKind(address: string): string | null {
  const family = isIP(address.replace(/^\[|\]$/g, "").split("%")[0]!);
  if (family === 4) {
    const bytes = address.split(".").map(Number);
    return IPV4_FORBIDDEN.find((range) => inRange(bytes, range))?.kind ?? null;
  }
  const bytes = parseIpv6(address);
  if (family !== 6 || !bytes) return "not an IP address";
  for (const { range, offset } of IPV6_EMBEDDING_IPV4) {
    if (inRange(bytes, range)) {
      // ::/96 holds :: and ::1 too; those are judged below as themselves.
      if (range.kind === "IPv4-compatible" && bytes.slice(12).every((b, i) => (i < 3 ? b === 0 : b <= 1))) break;
      return forbiddenAddressKind(bytes.slice(offset, offset + 4).join("."));
    }
  }
  return IPV6_FORBIDDEN.find((range) => inRange(bytes, range))?.kind ?? null;
}

/** Where a delivery connects: the address its host resolved to, checked, so the connection can be pinned to it. */
export type DeliveryTarget = { readonly url: URL; readonly address: string; readonly family: 4 | 6 };

export type ResolveOptions = {
  /** LATCH_ALLOW_PRIVATE_WEBHOOKS: allow plain http and any address. */
  readonly allowPrivate: boolean;
  /** DNS resolution, injected by tests; all addresses of the host. */
  readonly lookup?: (hostname: string) => Promise<readonly { address: string; family: number }[]>;
};

const systemLookup = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Checks a webhook URL right before it is called, on the addresses its host resolves to now (not when it was
 * registered: DNS can change, and rebinding attacks change it on purpose). Every address must be allowed, and the
 * caller connects to the one returned, never resolving again. A URL whose host is an IP literal is judged without
 * any lookup, so a forbidden one never gets a packet.
 *
 * @throws {WebhookTargetRefusedError} for a non-https URL, a forbidden address or a name that does not resolve.
 */
export async function resolveDeliveryTarget(rawUrl: string, options: ResolveOptions): Promise<DeliveryTarget> {
  const url = new URL(rawUrl);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && options.allowPrivate)) {
    throw new WebhookTargetRefusedError(
      "ERR_WEBHOOK_URL_SCHEME",
      `webhook URLs must use https (plain http only with LATCH_ALLOW_PRIVATE_WEBHOOKS=true), got ${url.protocol}`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host);
  let addresses: readonly { address: string; family: number }[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "lookup failed";
      throw new WebhookTargetRefusedError("ERR_WEBHOOK_DNS", `could not resolve ${host}: ${code}`);
    }
    if (addresses.length === 0) throw new WebhookTargetRefusedError("ERR_WEBHOOK_DNS", `${host} has no addresses`);
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const kind = forbiddenAddressKind(address);
      if (kind !== null) {
        throw new WebhookTargetRefusedError(
          "ERR_WEBHOOK_ADDRESS_FORBIDDEN",
          `refused to deliver to ${host === address ? address : `${host} (${address})`}: a ${kind} address ` +
            "(set LATCH_ALLOW_PRIVATE_WEBHOOKS=true to allow private receivers)",
        );
      }
    }
  }
  const chosen = addresses[0]!;
  return { url, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}
