import type { TadaDocumentNode } from "gql.tada";
import { useCallback, useEffect, useState } from "react";
import { request, SignInRequired, signInUrl } from "./api.ts";

export type QueryState<T> =
  | { readonly status: "loading" }
  | { readonly status: "error"; readonly message: string }
  | { readonly status: "done"; readonly data: T };

/** Runs a query when the screen mounts (and on `reload`); a lost session goes to the login page and back. */
export function useQuery<TResult, TVariables>(
  document: TadaDocumentNode<TResult, TVariables>,
  variables?: TVariables,
): QueryState<TResult> & { reload(): void } {
  const [state, setState] = useState<QueryState<TResult>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables ?? null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the variables' content.
  useEffect(() => {
    let current = true;
    request(document, variables)
      .then((data) => current && setState({ status: "done", data }))
      .catch((error: unknown) => {
        if (!current) return;
        if (error instanceof SignInRequired) {
          window.location.assign(signInUrl());
          return;
        }
        setState({ status: "error", message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      current = false;
    };
  }, [document, key, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reload };
}

/** Runs a mutation from an event handler; a lost session goes to the login page and back. */
export async function runMutation<TResult, TVariables>(
  document: TadaDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  try {
    return await request(document, variables);
  } catch (error) {
    if (error instanceof SignInRequired) window.location.assign(signInUrl());
    throw error;
  }
}
