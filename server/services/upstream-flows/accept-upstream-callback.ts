import type { EntityManager } from "@mikro-orm/postgresql";
import { UpstreamError } from "../../connections/upstream-error.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { recordEvent } from "../record-event.ts";
import { type TakenUpstreamFlow, takeUpstreamFlow } from "./take-upstream-flow.ts";

export type AcceptedUpstreamCallback =
  | { readonly ok: true; readonly flow: TakenUpstreamFlow }
  | { readonly ok: false; readonly error: UpstreamError };

/**
 * Consumes the pending upstream flow a callback's `state` names (once, in the browser that started it, before it
 * expires). A callback matching no flow is an `upstream.callback_rejected` Event.
 */
export async function acceptUpstreamCallback(
  em: EntityManager,
  keyring: MasterKeyring,
  input: { readonly state: string; readonly browserBinding: string | undefined },
  now: Date,
): Promise<AcceptedUpstreamCallback> {
  try {
    return { ok: true, flow: await takeUpstreamFlow(em, keyring, input, now) };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    await em.transactional(async (tx) => {
      recordEvent(
        tx,
        {
          type: "upstream.callback_rejected",
          subjectType: "upstream_flow",
          actor: { type: "system" },
          payload: { code: error.code, reason: error.message },
        },
        now,
      );
    });
    return { ok: false, error };
  }
}
