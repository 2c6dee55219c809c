import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request facts any layer may log without threading them through every call. */
export type RequestContext = { readonly requestId: string };

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run(context, run);
}

/** The id of the request being served, to correlate a masked error with its log line. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
