/** An attempt that runs this long marks its endpoint as slow. */
export const SLOW_ATTEMPT_MS = 1000;
/** How long an endpoint stays marked slow after a slow attempt, unless a fast attempt clears it. */
export const SLOW_MEMORY_MS = 60_000;
/** Attempts a slow endpoint may have in flight in this process. */
export const MAX_SLOW_ATTEMPTS_PER_ENDPOINT = 2;
/** Worker slots of a process that one endpoint can never take, so others are served even during its bursts. */
export const RESERVED_SLOTS = 2;

export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly slow: boolean };

/**
 * Keeps one slow or hanging endpoint from taking the worker slots of a process. Any endpoint leaves
 * {@link RESERVED_SLOTS} slots to the others; an endpoint known to be slow (an attempt took
 * {@link SLOW_ATTEMPT_MS} or more, lately, or is taking that long now) gets at most
 * {@link MAX_SLOW_ATTEMPTS_PER_ENDPOINT}. A job that is not admitted is put back for later, not queued behind.
 */
export type EndpointGate = {
  admit(webhookId: string, now?: number): Admission;
  /** Marks an attempt in flight; call the returned function when it ends. */
  enter(webhookId: string, now?: number): () => void;
};

export function createEndpointGate(concurrency: number): EndpointGate {
  const perEndpoint = Math.max(1, concurrency - RESERVED_SLOTS);
  const inFlight = new Map<string, Set<{ started: number }>>();
  const slowUntil = new Map<string, number>();
  return {
    admit(webhookId, now = performance.now()) {
      const attempts = inFlight.get(webhookId) ?? new Set();
      const slow =
        (slowUntil.get(webhookId) ?? 0) > now || [...attempts].some((a) => now - a.started >= SLOW_ATTEMPT_MS);
      if (slow && attempts.size >= MAX_SLOW_ATTEMPTS_PER_ENDPOINT) return { admitted: false, slow: true };
      if (attempts.size >= perEndpoint) return { admitted: false, slow: false };
      return { admitted: true };
    },
    enter(webhookId, now = performance.now()) {
      const attempt = { started: now };
      const attempts = inFlight.get(webhookId) ?? new Set();
      attempts.add(attempt);
      inFlight.set(webhookId, attempts);
      return () => {
        const ended = performance.now();
        attempts.delete(attempt);
        if (attempts.size === 0) inFlight.delete(webhookId);
        if (ended - attempt.started >= SLOW_ATTEMPT_MS) slowUntil.set(webhookId, ended + SLOW_MEMORY_MS);
        else slowUntil.delete(webhookId);
      };
    },
  };
}
