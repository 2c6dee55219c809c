/**
 * The control plane's input rules, repeated here so `pulumi preview` reports every bad input at once, by property,
 * before anything is sent. They mirror server/services/** /*-rules.ts and server/oauth/redirect-uri.ts (a unit test
 * compares both on the same inputs); the server still has the last word.
 *
 * Serialized with the providers: no runtime imports, globals only.
 */

export type Failure = { readonly property: string; readonly reason: string };

/** The sentinel Pulumi puts in place of a value that is not known during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, a value unknown during preview. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

export const BUILT_IN_SCOPES = [
  "openid",
  "profile",
  "identify",
  "email",
  "guilds",
  "guilds.join",
  "connections",
  "messages.read",
  "bot",
  "offline_access",
  "chat:read",
  "chat:write",
  "agents:read",
  "agents:write",
  "contacts:read",
  "contacts:write",
  "conversations:read",
  "knowledge:read",
  "knowledge:write",
  "webhooks:manage",
  "analytics:read",
  "all",
  "admin",
];

export const GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", "password"];
export const IDENTITY_PROVIDER_KINDS = ["google", "github", "microsoft", "apple", "discord", "oidc"];
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 60 * 60;
/** How long a replaced secret keeps working unless a resource says otherwise: the server's rotation default. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;
const CUSTOM_SCOPE_NAME = /^[a-z0-9:._-]{1,64}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_REDIRECT_URI_LENGTH = 2000;
const LOOPBACK_HTTP_HOSTS = ["localhost", "127.0.0.1", "[::1]"];
const URI_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;
const AUTHORITY = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;

/** server/services/applications/application-rules.ts checkName. */
export function nameProblem(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return `${field} is required`;
  if (typeof value !== "string") return `${field} must be a string`;
  const name = value.trim();
  if (name.length === 0 || name.length > 100) return `${field} must be 1 to 100 characters`;
  return undefined;
}

/**
 * server/services/applications/application-rules.ts checkAppName (server/oauth/app-name.ts validateAppName): no
 * bidi control, zero-width, control or invisible character, and no word mixing scripts (UTS #39 §5.2 Highly
 * Restrictive: one script, or Latin with Han and Hiragana/Katakana, Bopomofo or Hangul).
 */
export function appNameProblem(value: unknown): string | undefined {
  const basic = nameProblem("name", value);
  if (basic !== undefined) return basic;
  const name = (value as string).trim();
  const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const bidi = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u.exec(name);
  if (bidi) return `name must not contain bidirectional control characters (${codePoint(bidi[0])})`;
  const zeroWidth = /[\u200B-\u200D\u2060\uFEFF]/u.exec(name);
  if (zeroWidth) return `name must not contain zero-width characters (${codePoint(zeroWidth[0])})`;
  const invisible = /[\p{C}\u2028\u2029]/u.exec(name);
  if (invisible) return `name must not contain control or invisible characters (${codePoint(invisible[0])})`;
  const patterns = APP_NAME_SCRIPTS.flatMap((script) => {
    try {
      return [[script, new RegExp(`\\p{Script_Extensions=${script}}`, "u")] as const];
    } catch {
      return [];
    }
  });
  const common = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;
  const scriptsOf = (char: string): string[] => {
    if (common.test(char)) return [];
    const found = patterns.filter(([, pattern]) => pattern.test(char)).map(([script]) => script);
    return found.length > 0 ? found : ["Unknown"];
  };
  const combinations = [
    ["Latin", "Han", "Hiragana", "Katakana"],
    ["Latin", "Han", "Bopomofo"],
    ["Latin", "Han", "Hangul"],
  ];
  for (const word of name.split(/\s+/u)) {
    const sets = Array.from(word, scriptsOf).filter((set) => set.length > 0);
    if (sets.length === 0) continue;
    const shared = sets.reduce((all, set) => all.filter((script) => set.includes(script)));
    if (shared.length > 0) continue;
    if (combinations.some((combo) => sets.every((set) => set.some((s) => combo.includes(s))))) continue;
    const scripts: string[] = [];
    for (const set of sets) if (!set.some((script) => scripts.includes(script))) scripts.push(set[0]!);
    return `name must not mix scripts in one word: "${word}" mixes ${scripts.join(" and ")}`;
  }
  return undefined;
}

/** server/oauth/app-name.ts SCRIPTS: every Unicode script but Common and Inherited. */
// biome-ignore format: a long list, kept dense
export const APP_NAME_SCRIPTS = [
  "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah",
  "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal",
  "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Coptic", "Cuneiform", "Cypriot",
  "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs",
  "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati",
  "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana",
  "Imperial_Aramaic", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana",
  "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha",
  "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic",
  "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive",
  "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar", "Nabataean", "Nag_Mundari",
  "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki",
  "Old_Hungarian", "Old_Italic", "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
  "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa",
  "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham",
  "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog",
  "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai",
  "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi",
  "Zanabazar_Square",
];

/** server/oauth/redirect-uri.ts RESERVED_SCHEMES: schemes browsers or systems define, never a private-use redirect. */
export const RESERVED_SCHEMES: ReadonlySet<string> = new Set([
  "about",
  "blob",
  "chrome",
  "chrome-extension",
  "data",
  "file",
  "filesystem",
  "ftp",
  "intent",
  "javascript",
  "jar",
  "mailto",
  "moz-extension",
  "ms-settings",
  "sms",
  "tel",
  "urn",
  "vbscript",
  "view-source",
  "ws",
  "wss",
]);

/** server/oauth/redirect-uri.ts validateRedirectUriRegistration. */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length === 0) return "the redirect URI is empty";
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    return `the redirect URI is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  }
  if (/[\p{Cc}\s]/u.test(uri)) return "the redirect URI must not contain whitespace or control characters";
  if (/[^\x21-\x7e]/.test(uri)) return "the redirect URI must contain only ASCII characters (percent-encode others)";
  if (uri.includes("*")) return "the redirect URI must not contain a wildcard (*): matching is exact";
  if (uri.includes("#")) return "the redirect URI must not contain a fragment (#)";
  const parts = URI_PARTS.exec(uri);
  if (!parts || !URL.canParse(uri)) return "the redirect URI must be an absolute URI with a scheme";
  const scheme = parts[1]!.toLowerCase();
  const authority = parts[2];
  if (authority?.includes("@")) return "the redirect URI must not contain userinfo (user:password@)";
  if (scheme === "https" || scheme === "http") {
    const hostPort = authority === undefined ? null : AUTHORITY.exec(authority);
    const host = hostPort?.[1]?.toLowerCase();
    if (!hostPort || !host) return `the redirect URI must name a host after "${scheme}://"`;
    const port = hostPort[2];
    if (port !== undefined && (port === "" || Number(port) > 65535)) return "the redirect URI has an invalid port";
    if (scheme === "http" && !LOOPBACK_HTTP_HOSTS.includes(host)) {
      return "the redirect URI must use https; http is allowed only on localhost, 127.0.0.1 and [::1]";
    }
    return undefined;
  }
  if (RESERVED_SCHEMES.has(scheme)) {
    return `the scheme "${scheme}" is not allowed: use https, http on loopback, or a reverse-domain private-use scheme such as com.example.app (RFC 8252 §7.1)`;
  }
  return undefined;
}

export function redirectUrisProblems(uris: readonly unknown[]): string[] {
  const problems: string[] = [];
  for (const uri of uris) {
    if (typeof uri !== "string") problems.push("redirect URIs must be strings");
    else if (uri === UNKNOWN) continue;
    else {
      const problem = redirectUriProblem(uri);
      if (problem) problems.push(`redirect URI "${uri}" is invalid: ${problem}`);
    }
  }
  return problems;
}

/**
 * Scopes an app may request: a built-in, or a name a custom scope could have (whether the organization defines it
 * is the server's to say).
 */
export function allowedScopesProblems(scopes: readonly unknown[]): string[] {
  const problems: string[] = [];
  for (const scope of scopes) {
    if (scope === UNKNOWN) continue;
    if (typeof scope !== "string" || (!BUILT_IN_SCOPES.includes(scope) && !CUSTOM_SCOPE_NAME.test(scope))) {
      problems.push(`unknown scope "${String(scope)}"`);
    }
  }
  return problems;
}

/** application-rules.ts checkGrantTypes. */
export function grantTypesProblems(
  grantTypes: readonly unknown[],
  type: unknown,
  allowPasswordGrant: unknown,
): string[] {
  const problems: string[] = [];
  for (const grant of grantTypes) {
    if (grant !== UNKNOWN && (typeof grant !== "string" || !GRANT_TYPES.includes(grant))) {
      problems.push(`unknown grant type "${String(grant)}"; expected ${GRANT_TYPES.join(", ")}`);
    }
  }
  if (type === "public" && grantTypes.includes("client_credentials")) {
    problems.push("public applications cannot use client_credentials");
  }
  if (grantTypes.includes("password") && allowPasswordGrant === false) {
    problems.push("the password grant needs allowPasswordGrant: true");
  }
  return problems;
}

/** application-rules.ts TOKEN_ENDPOINT_AUTH_METHODS. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "any"];

/** application-rules.ts checkTokenEndpointAuthMethod. */
export function tokenEndpointAuthMethodProblem(value: unknown, type: unknown): string | undefined {
  if (typeof value !== "string" || !TOKEN_ENDPOINT_AUTH_METHODS.includes(value)) {
    return `unknown tokenEndpointAuthMethod "${String(value)}"; expected ${TOKEN_ENDPOINT_AUTH_METHODS.join(", ")}`;
  }
  if (type === "public" && value !== "any") {
    return "public applications have no client secret: they authenticate with client_id alone";
  }
  return undefined;
}

/** application-rules.ts checkIsResourceServer. */
export function resourceServerProblem(value: unknown, type: unknown): string | undefined {
  return value === true && type === "public" ? "a resource server must be a confidential application" : undefined;
}

/** application-rules.ts checkColor. */
export function colorProblem(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !HEX_COLOR.test(value)) return `${field} must be a hex color like #1a2b3c`;
  return undefined;
}

/** application-rules.ts checkPublicUrl: https, or http on loopback. */
export function publicUrlProblem(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !URL.canParse(value)) return `${field} must be an absolute URL`;
  const url = new URL(value);
  const loopback = LOOPBACK_HTTP_HOSTS.includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return `${field} must use https`;
  return undefined;
}

/** application-rules.ts checkSeconds. */
export function secondsProblem(field: string, value: unknown, min: number, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return `${field} must be an integer from ${min} to ${max} seconds`;
  }
  return undefined;
}

/** scope-rules.ts checkScopeName. */
export function customScopeNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || !CUSTOM_SCOPE_NAME.test(value)) {
    return "name must be 1 to 64 characters of lowercase letters, digits, colon, dot, underscore or hyphen";
  }
  if (BUILT_IN_SCOPES.includes(value)) return `"${value}" is a built-in scope; choose another name`;
  return undefined;
}

/** scope-rules.ts checkScopeDescription. */
export function scopeDescriptionProblem(value: unknown): string | undefined {
  const description = typeof value === "string" ? value.trim() : "";
  if (description.length === 0 || description.length > 200) return "description must be 1 to 200 characters";
  return undefined;
}

/** identity-provider-rules.ts checkHttpsUrl: https only, not even http on loopback. */
export function httpsUrlProblem(field: string, value: unknown): string | undefined {
  const raw = typeof value === "string" ? value.trim() : "";
  if (value === undefined || value === null || raw === "") return undefined;
  if (!URL.canParse(raw)) return `${field} must be an absolute https URL`;
  const url = new URL(raw);
  if (url.protocol !== "https:") return `${field} must use https`;
  if (url.username || url.password) return `${field} must not contain credentials`;
  if (url.hash) return `${field} must not have a fragment`;
  return undefined;
}

/** identity-provider-rules.ts checkScopes. */
export function upstreamScopesProblem(entries: readonly unknown[]): string | undefined {
  // Each entry is also a space-delimited scope string (RFC 6749 §3.3), as the server reads it.
  const value = entries
    .flatMap((entry) => (typeof entry === "string" && entry !== UNKNOWN ? entry.split(/[ \t\n]+/) : [entry]))
    .filter((scope) => scope !== "");
  if (value.length > 50) return "scopes may list at most 50 scopes";
  const invalid = value.find((scope) => scope !== UNKNOWN && (typeof scope !== "string" || !SCOPE_TOKEN.test(scope)));
  if (invalid !== undefined) return `scope ${JSON.stringify(invalid)} is not a valid scope token (RFC 6749 §3.3)`;
  return undefined;
}

/** client-secret-rules.ts checkOverlapSeconds. */
export function overlapProblem(field: string, value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value > MAX_ROTATION_OVERLAP_SECONDS) {
    return `${field} must be from 0 to ${MAX_ROTATION_OVERLAP_SECONDS} seconds (30 days)`;
  }
  return undefined;
}

/** A `rotationOverlap` input as seconds: the default when omitted, unknown while unknown, NaN when unreadable. */
export function rotationOverlapSeconds(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_ROTATION_OVERLAP_SECONDS;
  return value === UNKNOWN ? (UNKNOWN as never) : durationSeconds(value);
}

/** Why a `rotationOverlap` (as {@link rotationOverlapSeconds} read it) is refused, if it is. */
export function rotationOverlapProblem(seconds: number): string | undefined {
  return Number.isNaN(seconds)
    ? "rotationOverlap must be seconds or a duration such as 30m, 24h or 7d"
    : overlapProblem("rotationOverlap", seconds);
}

/** A duration as seconds (`86400`) or with a unit (`90s`, `30m`, `24h`, `7d`); NaN when it is neither. */
export function durationSeconds(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return Number.NaN;
  const match = /^\s*(\d+)\s*(s|m|h|d)?\s*$/.exec(value);
  if (!match) return Number.NaN;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? "s") as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}

/** A list input: deduplicated in order, like the server stores it. */
export function uniqueList(value: unknown): unknown[] {
  return Array.isArray(value) ? [...new Set(value)] : [];
}

/** Optional text: trimmed, empty means null. */
export function optionalText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (value === UNKNOWN) return UNKNOWN;
  const text = String(value).trim();
  return text === "" ? null : text;
}

/** server/services/webhooks/event-types.ts (a unit test keeps both lists equal). */
export const WEBHOOK_EVENT_TYPES = [
  "application.created",
  "application.updated",
  "application.deleted",
  "application.disabled",
  "application.enabled",
  "client_secret.created",
  "client_secret.rotated",
  "client_secret.revoked",
  "client_secret.expiring",
  "redirect_uri.added",
  "redirect_uri.removed",
  "grant.created",
  "grant.updated",
  "grant.revoked",
  "token.refresh_reuse_detected",
  "user.created",
  "user.signed_in",
  "user.login_failed",
  "user.updated",
  "user.deleted",
  "user.disconnected",
  "user.mfa_enrolled",
  "user.mfa_removed",
  "connection.needs_reauth",
  "webhook.disabled",
];

/** identity-provider-rules.ts DEFAULT_PROVIDER_SCOPES. */
export const DEFAULT_PROVIDER_SCOPES: Record<string, string[]> = {
  google: ["openid", "email", "profile"],
  github: ["read:user", "user:email"],
  microsoft: ["openid", "email", "profile"],
  apple: ["name", "email"],
  discord: ["identify", "email"],
  oidc: ["openid", "email", "profile"],
};

/**
 * webhook-rules.ts checkWebhookUrl. Plain http on loopback is accepted here; whether the server allows it (only
 * outside production) is the server's to say.
 */
export function webhookUrlProblem(value: unknown): string | undefined {
  const raw = typeof value === "string" ? value.trim() : "";
  if (raw.length > 2048) return "url must be at most 2048 characters";
  if (!URL.canParse(raw)) return "url must be an absolute https URL";
  const url = new URL(raw);
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HTTP_HOSTS.includes(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) return "url must use https (or http on localhost)";
  if (url.username || url.password) return "url must not contain credentials";
  if (url.hash) return "url must not have a fragment";
  return undefined;
}

/** webhook-rules.ts checkEvents. */
export function webhookEventsProblem(values: readonly unknown[]): string | undefined {
  if (values.length === 0) return "events must name at least one event type, or *";
  if (values.includes("*")) return undefined;
  const unknown = values.find((value) => value !== UNKNOWN && !WEBHOOK_EVENT_TYPES.includes(value as string));
  if (unknown !== undefined) {
    return `unknown event type ${JSON.stringify(unknown)}; expected * or one of ${WEBHOOK_EVENT_TYPES.join(", ")}`;
  }
  return undefined;
}

/** Text with a maximum length (webhook description 500, provider display name 100); empty is fine. */
export function maxLengthProblem(field: string, value: unknown, max: number): string | undefined {
  const text = typeof value === "string" ? value.trim() : "";
  return text.length > max ? `${field} must be at most ${max} characters` : undefined;
}

/** identity-provider-rules.ts checkClientId. */
export function upstreamClientIdProblem(value: unknown): string | undefined {
  const clientId = typeof value === "string" ? value.trim() : "";
  return clientId.length === 0 || clientId.length > 500 ? "clientId must be 1 to 500 characters" : undefined;
}

/** identity-provider-rules.ts checkClientSecret; the message never echoes the secret. */
export function upstreamClientSecretProblem(value: unknown): string | undefined {
  const secret = typeof value === "string" ? value.trim() : "";
  return secret.length < 8 || secret.length > 8192 ? "clientSecret must be 8 to 8192 characters" : undefined;
}

/** apple-signing-rules.ts secretLast4 (after checkClientSecret's trim): of the secret, or of a PEM key's base64 body. */
export function clientSecretLast4(secret: string): string {
  const text = secret.trim();
  const pem = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);
  return (pem ? text.replace(/-----[A-Z ]+-----|\s/g, "") : text).slice(-4);
}

/** identity-provider-rules.ts checkIssuer (https, no query) and checkKindRequirements. */
export function issuerProblem(kind: unknown, value: unknown): string | undefined {
  const problem = httpsUrlProblem("issuer", value);
  if (problem) return problem;
  const issuer = typeof value === "string" ? value.trim() : "";
  if (issuer !== "" && new URL(issuer).search) return "issuer must not have a query";
  if (kind === "oidc" && issuer === "") return "an oidc provider needs an https issuer";
  return undefined;
}

/** An ISO 8601 timestamp, as the DateTime scalar takes it. */
export function timestampProblem(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    return `${field} must be an ISO 8601 timestamp such as 2027-01-01T00:00:00Z`;
  }
  return undefined;
}
