import { InvalidClientError, InvalidRequestError } from "./errors.ts";
import { readSingleParams } from "./form-params.ts";

/** Who the client says it is, and how it proves it (RFC 6749 §2.3; `none` is a public client, RFC 7591 §2). */
export type ClientCredentials =
  | { method: "client_secret_basic"; clientId: string; clientSecret: string }
  | { method: "client_secret_post"; clientId: string; clientSecret: string }
  | { method: "none"; clientId: string };

// auth-scheme is case-insensitive (RFC 9110 §11.1); token68 is the base64 credentials (RFC 7617 §2).
const BASIC = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the client's credentials from the Authorization header (client_secret_basic) or the form body
 * (client_secret_post, or client_id alone for a public client) of a token, revocation or introspection request
 * (RFC 6749 §2.3.1). Authenticating them is the service's job.
 *
 * @throws {InvalidClientError} when Basic credentials are malformed or no client is named at all.
 * @throws {InvalidRequestError} when two methods are combined, the body names another client, or a parameter repeats.
 */
export function extractClientCredentials(authorization: string | undefined, body: URLSearchParams): ClientCredentials {
  const form = readSingleParams(body, ["client_id", "client_secret"]);
  if (authorization) {
    const basic = parseBasic(authorization);
    // §2.3: "The client MUST NOT use more than one authentication method in each request."
    if (form.client_secret !== undefined) {
      throw new InvalidRequestError(
        "use one client authentication method: the Authorization header or client_secret in the body, not both",
      );
    }
    if (form.client_id !== undefined && form.client_id !== basic.clientId) {
      throw new InvalidRequestError("client_id in the body does not match the client in the Authorization header");
    }
    return { method: "client_secret_basic", ...basic };
  }
  if (form.client_id === undefined) throw new InvalidClientError("client authentication is required");
  if (form.client_secret !== undefined) {
    return { method: "client_secret_post", clientId: form.client_id, clientSecret: form.client_secret };
  }
  return { method: "none", clientId: form.client_id };
}

/** What a confidential client registered (RFC 7591 §2 `token_endpoint_auth_method`); `any` accepts both secret methods. */
export type RegisteredAuthMethod = "client_secret_basic" | "client_secret_post" | "any";

/**
 * Refuses a confidential client that authenticated with another method than the one it registered (RFC 7591 §2:
 * the registered method is the one the client uses at the token endpoint; Latch holds revocation and introspection to
 * it too). Called once the secret is verified, so only the secret's holder learns which method is expected.
 *
 * @throws {InvalidClientError} when the method is pinned and `used` is not it (401, RFC 6749 §5.2).
 */
export function checkRegisteredAuthMethod(registered: RegisteredAuthMethod, used: ClientCredentials["method"]): void {
  if (registered === "any" || used === registered) return;
  const how =
    registered === "client_secret_basic"
      ? "HTTP Basic (client_secret_basic), not client_secret in the body"
      : "client_id and client_secret in the body (client_secret_post), not the Authorization header";
  throw new InvalidClientError(`this client is registered to authenticate with ${how}`);
}

/** The `WWW-Authenticate` value of a 401 invalid_client response to a Basic attempt (RFC 6749 §5.2, RFC 7617 §2). */
export function basicChallenge(realm: string): string {
  return `Basic realm="${quoteEscape(realm)}", charset="UTF-8"`;
}

/** Escapes a value for an HTTP quoted-string (RFC 9110 §5.6.4). */
export function quoteEscape(value: string): string {
  return value.replace(/["\\]/g, "\\$&");
}

function parseBasic(authorization: string): { clientId: string; clientSecret: string } {
  const match = BASIC.exec(authorization);
  if (!match) throw new InvalidClientError("the Authorization header must be Basic with base64 credentials");
  const token = match[1]!;
  const bytes = Buffer.from(token, "base64");
  // Node's decoder skips garbage; re-encoding catches a token that is not canonical base64.
  if (bytes.toString("base64") !== token) throw new InvalidClientError("the Basic credentials are not valid base64");
  let decoded: string;
  try {
    decoded = UTF8.decode(bytes);
  } catch {
    throw new InvalidClientError("the Basic credentials are not valid UTF-8");
  }
  const colon = decoded.indexOf(":");
  if (colon === -1) throw new InvalidClientError("the Basic credentials must be client_id:client_secret");
  // §2.3.1: both halves are application/x-www-form-urlencoded before being joined, so a ":" in the secret is "%3A".
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (!clientId) throw new InvalidClientError("the Basic credentials have an empty client_id");
  if (!clientSecret) throw new InvalidClientError("the Basic credentials have an empty client_secret");
  return { clientId, clientSecret };
}

/** application/x-www-form-urlencoded decoding of one half of the Basic credentials. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    throw new InvalidClientError("the Basic credentials contain a malformed percent-escape");
  }
}
