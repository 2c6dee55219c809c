import { describe, expect, test } from "vitest";
import {
  ACCESS_TOKEN_TTL,
  DEFAULT_ACCESS_TOKEN_FORMAT,
  DEFAULT_REFRESH_TOKEN_ROTATION,
  SECONDS_SETTINGS,
} from "../../../server/db/entities/application-settings.ts";
import { SCRIPTS } from "../../../server/oauth/app-name.ts";
import {
  RESERVED_SCHEMES as SERVER_RESERVED_SCHEMES,
  validateRedirectUriRegistration,
} from "../../../server/oauth/redirect-uri.ts";
import { BUILT_IN_SCOPE_NAMES } from "../../../server/oauth/scope-catalogue.ts";
import {
  checkAppName,
  checkColor,
  checkGrantTypes,
  checkIsResourceServer,
  checkName,
  checkPublicUrl,
  checkSeconds,
  checkTokenEndpointAuthMethod,
  TOKEN_ENDPOINT_AUTH_METHODS as SERVER_TOKEN_ENDPOINT_AUTH_METHODS,
} from "../../../server/services/applications/application-rules.ts";
import { checkOverlapSeconds } from "../../../server/services/client-secrets/client-secret-rules.ts";
import { checkHttpsUrl, checkScopes } from "../../../server/services/identity-providers/identity-provider-rules.ts";
import { checkScopeDescription, checkScopeName } from "../../../server/services/scopes/scope-rules.ts";
import { OAUTH_APP_DEFAULTS } from "../../src/provider/oauth-app.ts";
import {
  APP_NAME_SCRIPTS,
  appNameProblem,
  BUILT_IN_SCOPES,
  clientSecretLast4,
  colorProblem,
  customScopeNameProblem,
  DEFAULT_PROVIDER_SCOPES,
  grantTypesProblems,
  httpsUrlProblem,
  IDENTITY_PROVIDER_KINDS,
  issuerProblem,
  nameProblem,
  overlapProblem,
  publicUrlProblem,
  RESERVED_SCHEMES,
  redirectUriProblem,
  resourceServerProblem,
  scopeDescriptionProblem,
  secondsProblem,
  TOKEN_ENDPOINT_AUTH_METHODS,
  tokenEndpointAuthMethodProblem,
  upstreamClientIdProblem,
  upstreamClientSecretProblem,
  upstreamScopesProblem,
  WEBHOOK_EVENT_TYPES,
  webhookEventsProblem,
  webhookUrlProblem,
} from "../../src/provider/rules.ts";

/** The server rule's message, or undefined when it accepts the value. */
function serverSays(rule: () => unknown): string | undefined {
  try {
    rule();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("the provider's check rules agree with the server's", () => {
  test("reserved redirect URI schemes", () => {
    expect([...RESERVED_SCHEMES].sort()).toEqual([...SERVER_RESERVED_SCHEMES].sort());
  });

  test("built-in scopes", () => {
    expect([...BUILT_IN_SCOPES].sort()).toEqual([...BUILT_IN_SCOPE_NAMES].sort());
  });

  test.each([
    "https://app.example.com/callback",
    "http://localhost:8787/callback",
    "http://127.0.0.1/cb",
    "http://[::1]:9000/cb",
    "http://example.com/cb",
    "https://example.com/cb#x",
    "https://*.example.com/cb",
    "https://user:pw@example.com/cb",
    "com.example.app:/oauth",
    "myapp://cb",
    "javascript:alert(1)",
    "ws://localhost/cb",
    "file:///etc/passwd",
    "https://example.com:99999/cb",
    "https:///nohost",
    "https://exa mple.com",
    "https://exämple.com",
    "",
    "relative/path",
    `https://example.com/${"a".repeat(2000)}`,
  ])("redirect URI %s", (uri) => {
    const server = validateRedirectUriRegistration(uri);
    expect(redirectUriProblem(uri)).toBe(server.ok ? undefined : server.reason);
  });

  test.each(["ok", "  padded  ", "", "   ", "x".repeat(100), "x".repeat(101)])("name %j", (name) => {
    expect(nameProblem("name", name)).toBe(serverSays(() => checkName("name", name)));
  });

  test.each([
    "Acme",
    "  Acme Billing  ",
    "",
    "x".repeat(101),
    "Café",
    "Почта",
    "LINEアプリ",
    "Naver지도",
    "Acme Почта",
    "P\u0430ypal",
    "G\u03BFogle",
    "ひらがな한글",
    "lapyaP\u202Eevil",
    "\u2066Acme\u2069",
    "Acme\u200F",
    "Pay\u200Bpal",
    "\uFEFFAcme",
    "Acme\u0000",
    "Acme\u00ADx",
  ])("app name %j", (name) => {
    expect(appNameProblem(name)).toBe(serverSays(() => checkAppName(name)));
  });

  test("the scripts an app name may not mix", () => {
    expect(APP_NAME_SCRIPTS).toEqual([...SCRIPTS]);
  });

  test.each([
    [["authorization_code", "refresh_token"], "confidential", false],
    [["client_credentials"], "public", false],
    [["password"], "confidential", false],
    [["password"], "confidential", true],
    [["implicit"], "confidential", false],
  ] as const)("grant types %j for a %s app (password allowed: %s)", (grants, type, allowPassword) => {
    const mine = grantTypesProblems(grants, type, allowPassword);
    expect(mine[0]).toBe(serverSays(() => checkGrantTypes(grants, type, allowPassword)));
  });

  test.each(["#abc", "#A1B2C3", "red", "#abcd", "", null])("color %j", (value) => {
    expect(colorProblem("primaryColor", value)).toBe(serverSays(() => checkColor("primaryColor", value)));
  });

  test.each(["https://example.com", "http://localhost:3000/x", "http://example.com", "ftp://x", "not a url", ""])(
    "public URL %j",
    (value) => {
      expect(publicUrlProblem("homepageUrl", value)).toBe(serverSays(() => checkPublicUrl("homepageUrl", value)));
    },
  );

  test.each([59, 60, 31_536_000, 31_536_001, 1.5])("seconds %d", (value) => {
    expect(secondsProblem("accessTokenTtl", value, 60, 31_536_000)).toBe(
      serverSays(() => checkSeconds("accessTokenTtl", value, ACCESS_TOKEN_TTL)),
    );
  });

  test("an app's defaults", () => {
    expect(OAUTH_APP_DEFAULTS).toMatchObject({
      accessTokenFormat: DEFAULT_ACCESS_TOKEN_FORMAT,
      accessTokenTtl: SECONDS_SETTINGS.accessTokenTtl.default,
      refreshTokenTtl: SECONDS_SETTINGS.refreshTokenTtl.default,
      refreshReuseInterval: SECONDS_SETTINGS.refreshReuseInterval.default,
      refreshTokenRotation: DEFAULT_REFRESH_TOKEN_ROTATION,
    });
  });

  test("token endpoint auth methods", () => {
    expect(TOKEN_ENDPOINT_AUTH_METHODS).toEqual([...SERVER_TOKEN_ENDPOINT_AUTH_METHODS]);
  });

  test.each([
    ["client_secret_basic", "confidential"],
    ["client_secret_post", "confidential"],
    ["any", "confidential"],
    ["any", "public"],
    ["client_secret_basic", "public"],
    ["private_key_jwt", "confidential"],
  ] as const)("tokenEndpointAuthMethod %s for a %s app", (value, type) => {
    expect(tokenEndpointAuthMethodProblem(value, type)).toBe(
      serverSays(() => checkTokenEndpointAuthMethod(value, type)),
    );
  });

  test.each([
    [true, "confidential"],
    [false, "public"],
    [true, "public"],
  ] as const)("isResourceServer %s for a %s app", (value, type) => {
    expect(resourceServerProblem(value, type)).toBe(serverSays(() => checkIsResourceServer(value, type)));
  });

  test.each(["billing:read", "Billing", "openid", "a b", "x".repeat(65), "ok.name_1-2"])("custom scope %j", (name) => {
    expect(customScopeNameProblem(name)).toBe(serverSays(() => checkScopeName(name)));
  });

  test.each(["Read invoices", "", " ", "x".repeat(201)])("scope description %j", (text) => {
    expect(scopeDescriptionProblem(text)).toBe(serverSays(() => checkScopeDescription(text)));
  });

  test.each(["https://accounts.example.com", "http://localhost", "https://u:p@x.com", "https://x.com/#f", "nope", ""])(
    "https URL %j",
    (value) => {
      expect(httpsUrlProblem("issuer", value)).toBe(serverSays(() => checkHttpsUrl("issuer", value)));
    },
  );

  test.each([
    [["openid", "email"]],
    [["two scopes"]],
    [[" padded  spaced "]],
    [['quote"']],
    [["ok", 'in"two']],
    [Array.from({ length: 51 }, (_, i) => `s${i}`)],
  ])("upstream scopes %#", (scopes) => {
    expect(upstreamScopesProblem(scopes)).toBe(serverSays(() => checkScopes(scopes)));
  });

  test.each([0, 86_400, 2_592_000, 2_592_001, -1])("overlap %d", (value) => {
    const server = serverSays(() => checkOverlapSeconds(value));
    expect(overlapProblem("overlapSeconds", value) === undefined).toBe(server === undefined);
  });
});

describe("webhook and identity-provider rules agree with the server's", () => {
  test("event types and default upstream scopes are the server's lists", async () => {
    const { WEBHOOK_EVENT_TYPES: server } = await import("../../../server/services/webhooks/event-types.ts");
    const { DEFAULT_PROVIDER_SCOPES: serverScopes } = await import(
      "../../../server/services/identity-providers/identity-provider-rules.ts"
    );
    const { identityProviderKinds } = await import("../../../server/db/entities/index.ts");
    expect(WEBHOOK_EVENT_TYPES).toEqual([...server]);
    expect(DEFAULT_PROVIDER_SCOPES).toEqual(serverScopes);
    expect(IDENTITY_PROVIDER_KINDS).toEqual([...identityProviderKinds]);
  });

  test.each([
    "https://hooks.example.com/x",
    "http://localhost:8080/hook",
    "http://example.com/hook",
    "https://u:p@x.com/h",
    "https://x.com/h#f",
    "nope",
  ])("webhook URL %j (development: loopback http allowed)", async (url) => {
    const { checkWebhookUrl } = await import("../../../server/services/webhooks/webhook-rules.ts");
    expect(webhookUrlProblem(url)).toBe(serverSays(() => checkWebhookUrl(url, true)));
  });

  test.each([[[]], [["*"]], [["grant.created", "*"]], [["grant.created"]], [["nope"]]])("events %j", async (events) => {
    const { checkEvents } = await import("../../../server/services/webhooks/webhook-rules.ts");
    expect(webhookEventsProblem(events)).toBe(serverSays(() => checkEvents(events)));
  });

  test.each([
    ["oidc", "https://issuer.example.com"],
    ["oidc", ""],
    ["google", "https://accounts.google.com?x=1"],
    ["google", "http://accounts.google.com"],
  ])("%s issuer %j", async (kind, issuer) => {
    const rules = await import("../../../server/services/identity-providers/identity-provider-rules.ts");
    const server = serverSays(() => rules.checkKindRequirements(kind as "oidc", rules.checkIssuer(issuer)));
    expect(issuerProblem(kind, issuer)).toBe(server);
  });

  test.each(["", "x", "x".repeat(500), "x".repeat(501)])("upstream client id of length %#", async (value) => {
    const { checkClientId } = await import("../../../server/services/identity-providers/identity-provider-rules.ts");
    expect(upstreamClientIdProblem(value)).toBe(serverSays(() => checkClientId(value)));
  });

  test.each(["short", "12345678", " 1234567 "])("upstream client secret %j", async (value) => {
    const { checkClientSecret } = await import(
      "../../../server/services/identity-providers/identity-provider-rules.ts"
    );
    expect(upstreamClientSecretProblem(value)).toBe(serverSays(() => checkClientSecret(value)));
  });

  test.each([
    " gh-secret-1234 ",
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\nAbCd\n-----END PRIVATE KEY-----\n",
    "  -----BEGIN EC PRIVATE KEY-----\r\nMHcCAQEEIWxYz\r\n-----END EC PRIVATE KEY-----",
  ])("the last four characters the server keeps of client secret %#", async (value) => {
    const { checkClientSecret } = await import(
      "../../../server/services/identity-providers/identity-provider-rules.ts"
    );
    const { secretLast4 } = await import("../../../server/services/identity-providers/apple-signing-rules.ts");
    expect(clientSecretLast4(value)).toBe(secretLast4(checkClientSecret(value)));
  });
});
