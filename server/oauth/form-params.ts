import { InvalidRequestError } from "./errors.ts";

/** The first of `names` that `params` holds more than once, or undefined (RFC 6749 §3.1, §3.2). */
export function findRepeatedParam(params: URLSearchParams, names: readonly string[]): string | undefined {
  return names.find((name) => params.getAll(name).length > 1);
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
