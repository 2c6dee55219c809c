/** What "Test" answered (TestIntegrationPayload), as far as the words below need it. */
export type TestAnswer = {
  readonly ok: boolean;
  readonly grantType: string;
  readonly tokenType?: string | null;
  readonly expiresIn?: number | null;
  readonly scopes?: readonly string[] | null;
  readonly error?: { readonly code: string; readonly message: string; readonly upstreamError?: string | null } | null;
};

/** The upstream's answer to "Test", in plain words. */
export function describeTest(domain: string, result: TestAnswer): { ok: boolean; title: string; detail: string } {
  if (result.ok && result.grantType === "AUTHORIZATION_CODE") {
    return {
      ok: true,
      title: `${domain} accepted the client id and secret`,
      detail: "Its token endpoint answers and knows this client. Users can now connect through its consent page.",
    };
  }
  if (result.ok) {
    const lifetime = result.expiresIn ? ` valid for ${result.expiresIn} seconds` : "";
    const scopes = result.scopes?.length ? ` with the scopes ${result.scopes.join(" ")}` : "";
    return {
      ok: true,
      title: `${domain} issued a token`,
      detail: `The upstream answered with a ${result.tokenType ?? "bearer"} token${lifetime}${scopes}. Latch dropped it; nothing stored changed.`,
    };
  }
  const code = result.error?.upstreamError ?? result.error?.code ?? "";
  const plain = PLAIN_FAILURES[code];
  const message = result.error?.message ?? "The upstream refused.";
  return {
    ok: false,
    title: `${domain} did not issue a token`,
    detail: plain ? `${plain} The upstream said: ${message}` : message,
  };
}

/** The usual refusals (RFC 6749 §5.2 codes, and Latch's own), said plainly. */
const PLAIN_FAILURES: Record<string, string> = {
  invalid_client: "The upstream does not accept this client id and secret.",
  invalid_grant: "The upstream refused the username and password.",
  invalid_scope: "The upstream refused one of the scopes.",
  unauthorized_client: "This client may not use this grant type at the upstream.",
  unsupported_grant_type: "The upstream does not offer this grant type.",
  upstream_unreachable: "Latch could not reach the token URL.",
  upstream_bad_response: "The token URL answered, but not with an OAuth token response.",
};
