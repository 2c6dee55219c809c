import { assessUpstreamUrl, type UpstreamUrlPolicy } from "../connections/upstream-url.ts";
import { ValidationError } from "./errors.ts";

/**
 * An upstream endpoint an admin sets on an integration or identity provider, under the outbound client's URL policy
 * ({@link assessUpstreamUrl}). Empty means unset (null). Throws a ValidationError naming `field`.
 */
export function checkUpstreamUrl(
  field: string,
  value: string | null | undefined,
  policy: UpstreamUrlPolicy,
): string | null {
  const assessed = assessUpstreamUrl(field, value, policy);
  if ("problem" in assessed) throw new ValidationError(field, assessed.problem);
  return assessed.url;
}
