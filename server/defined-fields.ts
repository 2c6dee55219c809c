/**
 * `input` without its undefined members (an input field left out), null kept: null clears a value, undefined leaves
 * it as it is. One helper for every face that hands partial changes to a service.
 */
export const definedFields = <T extends Record<string, unknown>>(input: T) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
