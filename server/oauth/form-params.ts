import { InvalidRequestError } from "./errors.ts";

/** The most parameters one OAuth request may carry: Latch reads about a dozen, so a hundred is generous. */
export const MAX_PARAMS = 100;

/**
 * The first of `names` (by default, every name `params` holds) that `params` holds more than once, or undefined
 * (RFC 6749 §3.1, §3.2).
 */
export function findRepeatedParam(params: URLSearchParams, names?: readonly string[]): string | undefined {
  if (names) return names.find((name) => params.getAll(name).length > 1);
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * Refuses a request with more than {@link MAX_PARAMS} parameters, or with any parameter, known or not, more than
 * once: RFC 6749 §3.1 and §3.2 say "Request and response parameters MUST NOT be included more than once", and a
 * bounded request keeps a flood of parameters from costing more than a refusal.
 *
 * @throws {InvalidRequestError} naming the repeated parameter, or the limit.
 */
export function checkParamBounds(params: URLSearchParams): void {
  if (params.size > MAX_PARAMS) {
    throw new InvalidRequestError(`a request may carry at most ${MAX_PARAMS} parameters`);
  }
  const repeated = findRepeatedParam(params);
  if (repeated !== undefined) throw new InvalidRequestError(`"${repeated}" parameter must not be repeated`);
}

/**
 * Reads `names` from a query or form body, each at most once (RFC 6749 §3.1, §3.2: "parameters MUST NOT be
 * included more than once"); an empty value counts as absent (§3.1: "parameters sent without a value MUST be
 * treated as if they were omitted"). Other parameters are ignored.
 *
 * @throws {InvalidRequestError} when one of `names` is repeated.
 */
export function readSingleParams(
  params: URLSearchParams,
  names: readonly string[],
): Record<string, string | undefined> {
  const repeated = findRepeatedParam(params, names);
  if (repeated !== undefined) throw new InvalidRequestError(`"${repeated}" parameter must not be repeated`);
  // fromEntries defines own properties, so a name like "__proto__" cannot reach the prototype.
  return Object.fromEntries(names.map((name) => [name, params.get(name) || undefined]));
}
