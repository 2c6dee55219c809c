declare module "oidc-provider/lib/adapters/memory_adapter.js" {
  import type { Adapter } from "oidc-provider";

  /** oidc-provider's default in-memory adapter; `store` is anything with get/set(key, value, { maxAge })/delete. */
  const MemoryAdapter: new (model: string, store: unknown) => Adapter;
  export default MemoryAdapter;
}
