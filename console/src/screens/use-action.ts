import { useState } from "react";
import { mutationError } from "../api.ts";

/**
 * Runs one mutation at a time for a panel: `busy` while it runs, `error` with the typed error's message (or the
 * request's), and `then` only on success.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async <T extends { __typename: string }>(mutation: () => Promise<T>, then?: (result: T) => void) => {
    setBusy(true);
    setError(null);
    try {
      const result = await mutation();
      const failed = mutationError(result);
      if (failed) setError(failed.message);
      else then?.(result);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
