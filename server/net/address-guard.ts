import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";

type Range = { readonly bytes: readonly number[]; readonly prefix: number; readonly kind: string };

const v4 = (cidr: string, kind: string): Range => {
  const [address, prefix] = cidr.split("/");
  return { bytes: address!.split(".").map(Number), prefix: Number(prefix), kind };
};
const v6 = (cidr: string, kind: string): Range => {
  const [address, prefix] = cidr.split("/");
  return { bytes: parseIpv6(address!)!, prefix: Number(prefix), kind };
};

/** IPv4 space a server-side request must never reach: this host, the private networks, and everything not globally routed. */
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
 * Why `address` (an IPv4 or IPv6 literal) must not be reached by a server-side request (webhook, upstream OAuth call): `"loopback"`, `"private"`, `"link-local"`,
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

/** An address a host resolved to, checked: the connection is pinned to it, never resolving again. */
export type CheckedAddress = { readonly address: string; readonly family: 4 | 6 };

/** DNS resolution, injectable by tests: all addresses of the host. */
export type HostLookup = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/** Why a host was refused before any byte was sent to it. */
export class AddressRefusedError extends Error {
  readonly code: "ERR_ADDRESS_FORBIDDEN" | "ERR_DNS";
  /** The host as named (an IP literal or a DNS name). */
  readonly host: string;
  /** For ERR_ADDRESS_FORBIDDEN: the address refused and its kind (`loopback`, `private`, ...). */
  readonly address: string | undefined;
  readonly kind: string | undefined;
  constructor(
    code: AddressRefusedError["code"],
    message: string,
    details: { host: string; address?: string; kind?: string },
  ) {
    super(message);
    this.name = "AddressRefusedError";
    this.code = code;
    this.host = details.host;
    this.address = details.address;
    this.kind = details.kind;
  }
}

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** `hostname` without the brackets of an IPv6 literal in a URL. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "");
}

/**
 * Resolves `hostname` now and checks every address it resolves to (DNS can change between two calls, and rebinding
 * attacks change it on purpose): unless `allowPrivate`, a loopback, private, link-local, metadata or otherwise
 * non-public address refuses the whole host. The caller connects to the address returned, through
 * {@link pinnedLookup}. An IP literal is judged without any lookup, so a forbidden one never gets a packet.
 *
 * @throws {AddressRefusedError} for a forbidden address or a name that does not resolve.
 */
export async function resolveCheckedAddress(
  hostname: string,
  options: { readonly allowPrivate: boolean; readonly lookup?: HostLookup | undefined },
): Promise<CheckedAddress> {
  const host = bareHost(hostname);
  const literal = isIP(host);
  let addresses: readonly { address: string; family: number }[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "lookup failed";
      throw new AddressRefusedError("ERR_DNS", `could not resolve ${host}: ${code}`, { host });
    }
    if (addresses.length === 0) throw new AddressRefusedError("ERR_DNS", `${host} has no addresses`, { host });
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const kind = forbiddenAddressKind(address);
      if (kind !== null) {
        const named = host === address ? address : `${host} (${address})`;
        throw new AddressRefusedError("ERR_ADDRESS_FORBIDDEN", `${named} is a ${kind} address`, {
          host,
          address,
          kind,
        });
      }
    }
  }
  const chosen = addresses[0]!;
  return { address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

/** A `lookup` for node:http(s) and node:net that answers every query with the checked address: the pin. */
export function pinnedLookup(target: CheckedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}
