import type { TakenUpstreamFlow } from "../services/upstream-flows/take-upstream-flow.ts";

/** What a purpose's handler gets from `/oauth/callback`: the consumed flow and the callback URL the upstream sent. */
export type UpstreamCallback = {
  readonly flow: TakenUpstreamFlow;
  /**
   * The callback URL rebuilt on PUBLIC_URL with the response's parameters as its query (those of a form_post response
   * too), as oauth4webapi's validateAuthResponse wants it.
   */
  readonly url: URL;
  readonly now: Date;
  /** The name a form_post provider posted beside the response (Apple's `user`, first sign-in only); unverified. */
  readonly postedName: string | null;
};
