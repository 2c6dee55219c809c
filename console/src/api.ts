import type { TadaDocumentNode } from "gql.tada";
import { print } from "graphql";

/** The chosen workspace travels as the `Latch-Organization` header, as any API client would send it. */
const ORGANIZATION_KEY = "latch.console.organization";

export function chosenOrganization(): string | null {
  return window.localStorage.getItem(ORGANIZATION_KEY);
}

export function chooseOrganization(id: string): void {
  window.localStorage.setItem(ORGANIZATION_KEY, id);
}

/** Back to the person's first workspace (the one chosen was deleted, or they left it). */
export function forgetOrganization(): void {
  window.localStorage.removeItem(ORGANIZATION_KEY);
}

/** The session ended or never began: the console sends the person to Latch's own login page, and back. */
export class SignInRequired extends Error {}

/** A request that failed as a whole (the server's message; never a stack). */
export class ApiError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

type GraphQLResponse<T> = { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };

/** POSTs one GraphQL request body to the public /graphql API with the member's session and chosen workspace. */
export function postGraphQL(body: { query: string; variables?: unknown; operationName?: string }): Promise<Response> {
  const organization = chosenOrganization();
  return fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...(organization ? { "latch-organization": organization } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** POSTs one operation to the public /graphql API with the member's session cookie. */
export async function request<TResult, TVariables>(
  document: TadaDocumentNode<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  const organization = chosenOrganization();
  const response = await postGraphQL({ query: print(document), variables });
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new ApiError(`The server answered ${response.status} without a GraphQL body.`, undefined);
  }
  const first = body.errors?.[0];
  if (first?.extensions?.code === "UNAUTHENTICATED" || response.status === 401) {
    // A workspace the person no longer belongs to (deleted, or removed from it) is not a reason to sign in again:
    // forget it and ask again in their first workspace.
    if (organization) {
      forgetOrganization();
      return request(document, variables);
    }
    throw new SignInRequired();
  }
  if (first && !body.data) throw new ApiError(first.message, first.extensions?.code);
  if (!body.data) throw new ApiError("The server answered without data.", undefined);
  return body.data;
}

/** Latch's login page, coming back to where the person was. */
export function signInUrl(): string {
  return `/login?${new URLSearchParams({ return_to: window.location.pathname + window.location.search })}`;
}

/** The typed error a mutation answered instead of its payload, if any (ValidationError names its field). */
export type MutationError = { readonly __typename: string; readonly message: string; readonly field?: string | null };

export function mutationError(result: { __typename: string }): MutationError | null {
  return result.__typename.endsWith("Error") ? (result as MutationError) : null;
}
