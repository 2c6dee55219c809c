import { DEFAULT_RETURN_TO } from "./return-to.ts";

/** The profile page (routes/account-profile.ts), where the email-change links lead back to. */
export const PROFILE_PATH = "/account/profile";

/** The sign-up page (routes/sign-up.ts). */
export const SIGN_UP_PATH = "/signup";

/** `path` continuing `returnTo`, without a query when it only continues to the default landing page. */
function continuing(path: string, returnTo: string): string {
  return returnTo === DEFAULT_RETURN_TO ? path : `${path}?${new URLSearchParams({ return_to: returnTo })}`;
}

/** The sign-up page continuing `returnTo` (the login page's "Create account"). */
export function signUpPath(returnTo: string): string {
  return continuing(SIGN_UP_PATH, returnTo);
}

/** The login page continuing `returnTo`. */
export function signInPath(returnTo: string): string {
  return continuing("/login", returnTo);
}

/** The forgot-password page continuing `returnTo` (the login page's "Forgot password?"). */
export function forgotPasswordPath(returnTo: string): string {
  return continuing("/forgot-password", returnTo);
}
