import {
  AddressRefusedError,
  type CheckedAddress,
  forbiddenAddressKind,
  type HostLookup,
  resolveCheckedAddress,
} from "../net/address-guard.ts";

export { forbiddenAddressKind } from "../net/address-guard.ts";

/** Why a webhook target was refused before any byte was sent to it; `code` is stable, `message` says what to do. */
export class WebhookTargetRefusedError extends Error {
  readonly code: "ERR_WEBHOOK_URL_SCHEME" | "ERR_WEBHOOK_ADDRESS_FORBIDDEN" | "ERR_WEBHOOK_DNS";
  constructor(code: WebhookTargetRefusedError["code"], message: string) {
    super(message);
    this.name = "WebhookTargetRefusedError";
    this.code = code;
  }
}

/**
 * Where a delivery connects: the address its host resolved to, checked, so the connection can be pinned to it.
 * `public` says whether that address passed the public-address check (false only where private targets are allowed).
 */
export type DeliveryTarget = CheckedAddress & { readonly url: URL; readonly public: boolean };

export type ResolveOptions = {
  /** LATCH_ALLOW_PRIVATE_WEBHOOKS: allow plain http and any address. */
  readonly allowPrivate: boolean;
  /** DNS resolution, injected by tests; all addresses of the host. */
  readonly lookup?: HostLookup;
};

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
  try {
    const checked = await resolveCheckedAddress(url.hostname, options);
    // Where private targets are allowed, the answer of one is not shown back (#20 item 8): know which it is.
    return { url, ...checked, public: forbiddenAddressKind(checked.address) === null };
  } catch (error) {
    if (!(error instanceof AddressRefusedError)) throw error;
    if (error.code === "ERR_DNS") throw new WebhookTargetRefusedError("ERR_WEBHOOK_DNS", error.message);
    throw new WebhookTargetRefusedError(
      "ERR_WEBHOOK_ADDRESS_FORBIDDEN",
      `refused to deliver to ${error.message.replace(/ is a /, ": a ")} ` +
        "(set LATCH_ALLOW_PRIVATE_WEBHOOKS=true to allow private receivers)",
    );
  }
}
