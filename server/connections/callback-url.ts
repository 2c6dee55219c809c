/** The one redirect URI of every upstream flow (logins and connections), registered with each provider. */
export const UPSTREAM_CALLBACK_PATH = "/oauth/callback";

export function upstreamCallbackUrl(publicUrl: string): string {
  return `${publicUrl}${UPSTREAM_CALLBACK_PATH}`;
}
