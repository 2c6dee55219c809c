/** Posts a GraphQL operation as a client would and returns the raw HTTP status, headers and body. */
export async function postGraphQL(
  baseUrl: string,
  body: { query: string; variables?: Record<string, unknown> },
  apiKey?: string,
): Promise<{ status: number; headers: Headers; json: { data?: any; errors?: any[] } }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}
