/**
 * Runs at most one `work` per key at a time in this process: callers that arrive while one runs share its result
 * (or its error) instead of starting their own. Across processes a database lock does the same job; this keeps
 * concurrent callers of one process from each holding a connection while they queue on that lock.
 *
 * @example
 * const flights = createSingleFlight<string, string>();
 * const [a, b] = await Promise.all([flights.run("k", fetchIt), flights.run("k", fetchIt)]); // fetchIt ran once
 */
export type SingleFlight<K, V> = {
  run(key: K, work: () => Promise<V>): Promise<V>;
  /** Keys with work in flight now. */
  readonly size: () => number;
};

export function createSingleFlight<K, V>(): SingleFlight<K, V> {
  const flights = new Map<K, Promise<V>>();
  return {
    run(key, work) {
      const running = flights.get(key);
      if (running) return running;
      const flight = work().finally(() => flights.delete(key));
      flights.set(key, flight);
      return flight;
    },
    size: () => flights.size,
  };
}
