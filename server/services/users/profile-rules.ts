/** Longest display name kept (as create-user does). */
export const MAX_DISPLAY_NAME_LENGTH = 200;
/** Longest avatar URL kept. */
export const MAX_AVATAR_URL_LENGTH = 2048;

/** The problem with `name` as a display name, or null. Counted in code points; control characters refused. */
export function displayNameProblem(name: string): string | null {
  if (name.trim() === "") return "Enter a display name.";
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) return `Use at most ${MAX_DISPLAY_NAME_LENGTH} characters.`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(name)) return "Use letters, numbers, spaces and punctuation only.";
  return null;
}

/**
 * The problem with `url` as an avatar, or null: an absolute https URL without credentials, since pages and apps
 * (`/users/@me`, userinfo `picture`) load it from the user's browser and an http one would be mixed content.
 */
export function avatarUrlProblem(url: string): string | null {
  const problem = "Enter an https:// address of an image, like https://example.com/me.png, or leave it empty.";
  if (url.length > MAX_AVATAR_URL_LENGTH) return `Use an address of at most ${MAX_AVATAR_URL_LENGTH} characters.`;
  if (!URL.canParse(url)) return problem;
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" || parsed.hostname === "") return problem;
  if (parsed.username || parsed.password) return "The address must not contain a user name or password.";
  return null;
}
