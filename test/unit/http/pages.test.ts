import { describe, expect, it } from "vitest";
import {
  type Branding,
  brandColors,
  brandCss,
  discColorFor,
  normalizeColor,
  renderAppBadge,
  renderAppLinks,
  safeLogoUrl,
  textColorOn,
} from "../../../server/http/pages/branding.ts";
import { renderConnectionsPage } from "../../../server/http/pages/connections-page.ts";
import { renderConsentPage } from "../../../server/http/pages/consent-page.ts";
import { renderErrorPage } from "../../../server/http/pages/error-page.ts";
import { escapeHtml, formActionSource, html, pageCsp, raw, renderDocument } from "../../../server/http/pages/html.ts";
import { renderInfoPage } from "../../../server/http/pages/info-page.ts";
import { renderLoginPage } from "../../../server/http/pages/login-page.ts";

const SCRIPT = `<script>alert("x")</script>`;
const nonce = "bm9uY2Utbm9uY2Utbm9uY2U=";

function branding(overrides: Partial<Branding> = {}): Branding {
  return {
    name: "Acme Chat",
    logoUrl: null,
    primaryColor: null,
    secondaryColor: null,
    homepageUrl: null,
    privacyPolicyUrl: null,
    termsOfServiceUrl: null,
    ...overrides,
  };
}

function consent(overrides: Partial<Parameters<typeof renderConsentPage>[0]> = {}): string {
  return renderConsentPage({
    branding: branding(),
    user: { displayName: "Ada", email: "ada@example.com" },
    scopes: [{ name: "identify", description: "Know your name and avatar" }],
    workspaces: [],
    csrfToken: "csrf-token-value",
    requestId: "request-id-value",
    nonce,
    ...overrides,
  });
}

describe("html", () => {
  it("escapes every interpolated string, and raw() opts out explicitly", () => {
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;");
    expect(html`<p>${SCRIPT}</p>`.value).toBe("<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>");
    expect(html`<p>${raw("<b>ok</b>")}</p>`.value).toBe("<p><b>ok</b></p>");
    expect(html`<ul>${["<a>", html`<li>${"<b>"}</li>`]}</ul>`.value).toBe("<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>");
    expect(html`${null}${undefined}${false}${0}`.value).toBe("0");
  });

  it("renders a full document with viewport, lang and the nonce'd stylesheet", () => {
    const page = renderDocument({ title: "T <x>", body: html`<p>hi</p>`, nonce });
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain(`<style nonce="${nonce}">`);
    expect(page).toContain("<title>T &lt;x&gt;</title>");
    expect(page).not.toMatch(/style="/);
    expect(page).not.toMatch(/<script/);
  });

  it("builds a CSP that allows only the nonce'd style, https/data images, and nothing else", () => {
    const csp = pageCsp("abc");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'nonce-abc'");
    expect(csp).toContain("img-src https: data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("script-src");
    expect(pageCsp("abc", ["https://app.example", "x; script-src *"])).toContain(
      "form-action 'self' https://app.example;",
    );
  });

  it("derives form-action sources from redirect URIs", () => {
    expect(formActionSource("https://app.example/cb?x=1")).toBe("https://app.example");
    expect(formActionSource("http://127.0.0.1:8080/cb")).toBe("http://127.0.0.1:*");
    expect(formActionSource("com.example.app:/oauth")).toBe("com.example.app:");
    expect(formActionSource("not a url")).toBeNull();
  });
});

describe("branding", () => {
  it("accepts #rgb and #rrggbb colors only, normalized", () => {
    expect(normalizeColor("#ABC")).toBe("#aabbcc");
    expect(normalizeColor("#12ab9F")).toBe("#12ab9f");
    for (const bad of ["red", "#12345", "#1234567", "#ggg", "#fff; background:url(x)", "", null, "rgb(0,0,0)"]) {
      expect(normalizeColor(bad), String(bad)).toBeNull();
    }
  });

  it("falls back when colors are malformed, never putting them in CSS", () => {
    const css = brandCss(":root", branding({ primaryColor: "red;}body{display:none", secondaryColor: "</style>" }));
    expect(css).not.toContain("red");
    expect(css).not.toContain("style");
    expect(brandColors(branding({ primaryColor: "nope" })).primary).toBe("#1f2937");
    expect(() => brandCss("body{}", null)).toThrow();
  });

  it("picks black or white button text by luminance", () => {
    expect(textColorOn("#ffffff")).toBe("#111827");
    expect(textColorOn("#ffff00")).toBe("#111827");
    expect(textColorOn("#000000")).toBe("#ffffff");
    expect(textColorOn("#0000ff")).toBe("#ffffff");
    expect(brandColors(branding({ primaryColor: "#FDE047" })).onPrimary).toBe("#111827");
    expect(brandColors(branding({ primaryColor: "#5865f2" })).onPrimary).toBe("#ffffff");
  });

  it("uses the secondary color for links only when it is readable on white", () => {
    expect(brandColors(branding({ secondaryColor: "#0b5394" })).link).toBe("#0b5394");
    expect(brandColors(branding({ secondaryColor: "#ffff66" })).link).toBe("#2563eb");
    expect(brandColors(branding({ secondaryColor: "#ffff66" })).accent).toBe("#ffff66");
  });

  it("renders the logo only for https: and data:image URLs", () => {
    expect(renderAppBadge(branding({ logoUrl: "https://cdn.example/logo.png" })).value).toContain(
      'src="https://cdn.example/logo.png"',
    );
    expect(safeLogoUrl("data:image/png;base64,AAAA")).toBe("data:image/png;base64,AAAA");
    for (const bad of ["javascript:alert(1)", "http://cdn.example/logo.png", "data:text/html,<b>", "//cdn.example/x"]) {
      expect(safeLogoUrl(bad), bad).toBeNull();
      expect(renderAppBadge(branding({ logoUrl: bad })).value).not.toContain("<img");
    }
  });

  it("falls back to the name's initial on a disc colored deterministically", () => {
    expect(renderAppBadge(branding({ name: "zeta" })).value).toContain(">Z</span>");
    expect(renderAppBadge(branding({ name: "<b>" })).value).toContain(">&lt;</span>");
    expect(discColorFor("Acme")).toBe(discColorFor("Acme"));
    expect(brandColors(branding({ name: "Acme" })).badge).toBe(discColorFor("Acme"));
    expect(brandColors(branding({ primaryColor: "#123456" })).badge).toBe("#123456");
  });

  it("links only http(s) homepage, privacy and terms URLs, without referrer", () => {
    const links = renderAppLinks(
      branding({
        homepageUrl: "javascript:alert(1)",
        privacyPolicyUrl: "https://acme.example/privacy",
        termsOfServiceUrl: "data:text/html,x",
      }),
    ).value;
    expect(links).not.toContain("javascript:");
    expect(links).not.toContain("data:");
    expect(links).toContain('href="https://acme.example/privacy" rel="noopener noreferrer"');
  });
});

describe("consent page", () => {
  it("has Authorize and Deny buttons in one POST form with the hidden request_id and csrf_token", () => {
    const page = consent();
    expect(page).toContain('<form method="post" action="/oauth2/authorize/decision">');
    expect(page).toContain('<input type="hidden" name="request_id" value="request-id-value">');
    expect(page).toContain('<input type="hidden" name="csrf_token" value="csrf-token-value">');
    expect(page).toMatch(
      /<button class="button primary" type="submit" name="decision" value="allow">Authorize<\/button>/,
    );
    expect(page).toMatch(/<button class="button secondary" type="submit" name="decision" value="deny">Deny<\/button>/);
    expect(page).toContain("Acme Chat wants to access your account");
    expect(page).toContain('<a href="/logout">Not you?</a>');
    expect(page).not.toContain('name="workspace"');
  });

  it("escapes the app name, scope descriptions and the user's email and name", () => {
    const page = consent({
      branding: branding({ name: SCRIPT }),
      user: { displayName: SCRIPT, email: `${SCRIPT}@example.com` },
      scopes: [{ name: "x", description: SCRIPT }],
      workspaces: [{ id: `"><script>`, name: SCRIPT }],
      requestId: `"><script>`,
    });
    expect(page).not.toContain("<script");
    expect(page).toContain("&lt;script&gt;");
  });

  it("shows a workspace picker with the selected workspace, and the bot's permissions", () => {
    const page = consent({
      workspaces: [
        { id: "w1", name: "One" },
        { id: "w2", name: "Two" },
      ],
      selectedWorkspaceId: "w2",
      bot: { permissions: "2048" },
    });
    expect(page).toContain('<select id="workspace" name="workspace" required>');
    expect(page).toContain('<option value="w2" selected>Two</option>');
    expect(page).toContain('<option value="w1">One</option>');
    expect(page).toContain("<code>2048</code>");
  });

  it("themes the primary button with a validated color and contrasting text", () => {
    const page = consent({ branding: branding({ primaryColor: "#FFF" }) });
    expect(page).toContain("--primary:#ffffff;--on-primary:#111827");
  });
});

describe("login page", () => {
  it("says where the sign-in continues, carries csrf and return_to, and escapes everything", () => {
    const page = renderLoginPage({
      branding: branding({ name: SCRIPT }),
      returnTo: `/oauth2/authorize?client_id=x&state="><script>`,
      csrfToken: "tok",
      email: `${SCRIPT}@x`,
      error: "Incorrect email or password.",
      nonce,
      providers: [{ id: "google", label: "Google" }],
    });
    expect(page).not.toContain("<script");
    expect(page).toContain("Sign in to continue to &lt;script&gt;");
    expect(page).toContain('<input type="hidden" name="csrf_token" value="tok">');
    expect(page).toContain('name="return_to" value="/oauth2/authorize?client_id=x&amp;state=&quot;&gt;&lt;script&gt;"');
    expect(page).toContain('role="alert"');
    expect(page).toContain('<label for="email">Email</label>');
    expect(page).toContain('<label for="password">Password</label>');
    expect(page).toContain('href="/login/providers/google/start?return_to=%2Foauth2%2Fauthorize');
    expect(page).toContain("Continue with Google");
  });

  it("renders unbranded without an error area", () => {
    const page = renderLoginPage({ branding: null, returnTo: "/account/connections", csrfToken: "t", nonce });
    expect(page).toContain("<h1>Sign in</h1>");
    expect(page).not.toContain('role="alert"');
  });
});

describe("other pages", () => {
  it("renders an error page without anything but the given words", () => {
    const page = renderErrorPage({ title: "This link can't be used to sign in", message: SCRIPT, nonce, status: 400 });
    expect(page).toContain("This link can&#39;t be used to sign in");
    expect(page).not.toContain("<script");
    expect(page).toContain("Error 400");
  });

  it("renders an info page with a POST action carrying the csrf token", () => {
    const page = renderInfoPage({
      title: "Sign out?",
      message: "You are signed in.",
      nonce,
      action: { label: "Sign out", postTo: "/logout", csrfToken: "tok" },
    });
    expect(page).toContain('<form method="post" action="/logout">');
    expect(page).toContain('name="csrf_token" value="tok"');
    expect(() =>
      renderInfoPage({ title: "x", message: "y", nonce, action: { label: "x", href: "javascript:alert(1)" } }),
    ).toThrow();
  });

  it("lists connections with Disconnect forms, each themed on its own, and an empty state", () => {
    const page = renderConnectionsPage({
      user: { displayName: "Ada", email: "ada@example.com" },
      connections: [
        {
          grantId: "g-1",
          branding: branding({ name: SCRIPT, primaryColor: "#000" }),
          scopes: [{ name: "identify", description: "Know who you are" }],
          workspaceName: "Team",
          since: new Date("2025-01-05T10:00:00Z"),
        },
      ],
      csrfToken: "tok",
      nonce,
    });
    expect(page).not.toContain("<script");
    expect(page).toContain('action="/account/connections/g-1/disconnect"');
    expect(page).toContain(".app-0{--primary:#000000");
    expect(page).toContain('<time datetime="2025-01-05T10:00:00.000Z">Jan 5, 2025</time>');
    const empty = renderConnectionsPage({
      user: { displayName: "A", email: "a@x" },
      connections: [],
      csrfToken: "t",
      nonce,
    });
    expect(empty).toContain("You haven't authorized any apps yet");
  });
});
