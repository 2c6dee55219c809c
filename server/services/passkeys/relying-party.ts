/** The WebAuthn relying party Latch is: its id (a domain) and the one origin ceremonies may run on. */
export type RelyingParty = { readonly id: string; readonly origin: string; readonly name: string };

/**
 * The relying party of an installation, from `PUBLIC_URL`: RP id = its hostname (WebAuthn §5.1.3: a registrable
 * domain suffix of the origin's effective domain; here the host itself), expected origin = its origin.
 */
export function relyingPartyFor(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: "Latch" };
}
