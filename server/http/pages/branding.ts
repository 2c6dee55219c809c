import { html, type RawHtml, safeHttpUrl } from "./html.ts";

/** An app's branding as the pages show it: straight from its settings, validated here before any use. */
export type Branding = {
  name: string;
  logoUrl: string | null;
  primaryColor: string | null;
  secondaryColor: string | null;
  homepageUrl: string | null;
  privacyPolicyUrl: string | null;
  termsOfServiceUrl: string | null;
};

/** The page colors when no app brands it. */
export const DEFAULT_PRIMARY = "#1f2937";
export const DEFAULT_ACCENT = "#2563eb";

const DARK_TEXT = "#111827";
const LIGHT_TEXT = "#ffffff";
const WHITE = "#ffffff";

// Colors for the initial's disc when an app has no primary color: all readable with white text (contrast >= 4.5).
const DISC_PALETTE = [
  "#4f46e5",
  "#7c3aed",
  "#be185d",
  "#b91c1c",
  "#c2410c",
  "#047857",
  "#0f766e",
  "#0369a1",
  "#1d4ed8",
  "#374151",
] as const;

/**
 * `value` as a lowercase `#rrggbb` when it is a `#rgb` or `#rrggbb` hex color, else null. The only way a color
 * from an app's settings reaches CSS: anything else (`red; background: url(…)`) falls back.
 */
export function normalizeColor(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(value.trim());
  if (!match) return null;
  const hex = match[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((digit) => digit + digit).join("") : hex}`;
}

/**
 * WCAG 2 relative luminance of a `#rrggbb` color, 0 (black) to 1 (white).
 * @see https://www.w3.org/TR/WCAG21/#dfn-relative-luminance
 */
export function relativeLuminance(color: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(color.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colors, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The text color (near-black or white) with the higher contrast on `background` (`#rrggbb`). */
export function textColorOn(background: string): string {
  return contrastRatio(background, DARK_TEXT) >= contrastRatio(background, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
}

/** A color for `name`'s disc, the same for the same name on every page and every replica. */
export function discColorFor(name: string): string {
  // FNV-1a: tiny, stable, spreads short names well enough to tell apps apart.
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return DISC_PALETTE[hash % DISC_PALETTE.length]!;
}

/** The colors a branded page uses, every one validated. */
export type BrandColors = {
  /** Main button background. */
  readonly primary: string;
  /** Text on the main button: black or white by luminance. */
  readonly onPrimary: string;
  /** Borders and marks. */
  readonly accent: string;
  /** Links: the accent only when it is readable on white (4.5:1), else the default. */
  readonly link: string;
  /** The initial's disc. */
  readonly badge: string;
  readonly onBadge: string;
};

/** The validated colors of `branding`, with fallbacks for whatever is missing or malformed. */
export function brandColors(branding: Branding | null): BrandColors {
  const primary = normalizeColor(branding?.primaryColor) ?? DEFAULT_PRIMARY;
  const accent = normalizeColor(branding?.secondaryColor) ?? normalizeColor(branding?.primaryColor) ?? DEFAULT_ACCENT;
  const badge = normalizeColor(branding?.primaryColor) ?? discColorFor(branding?.name ?? "");
  return {
    primary,
    onPrimary: textColorOn(primary),
    accent,
    link: contrastRatio(accent, WHITE) >= 4.5 ? accent : DEFAULT_ACCENT,
    badge,
    onBadge: textColorOn(badge),
  };
}

/**
 * CSS that themes the elements under `selector` with `branding`'s colors, through the stylesheet's custom
 * properties. Safe to hand to `renderDocument({ css })`: every value is a validated `#rrggbb`, and `selector` is
 * our own constant (`:root`, `.app-3`).
 */
export function brandCss(selector: string, branding: Branding | null): string {
  if (!/^(?::root|\.[a-z][a-z0-9-]*)$/.test(selector)) throw new Error(`invalid CSS selector ${selector}`);
  const colors = brandColors(branding);
  return (
    `${selector}{--primary:${colors.primary};--on-primary:${colors.onPrimary};--accent:${colors.accent};` +
    `--link:${colors.link};--badge:${colors.badge};--on-badge:${colors.onBadge};}`
  );
}

/**
 * The logo URL to render, or null: https: URLs and `data:image/…` only (the page CSP's `img-src https: data:`);
 * `javascript:`, `http:` and anything unparsable are ignored.
 */
export function safeLogoUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  if (/^data:image\/(?:png|jpeg|jpg|gif|webp|avif|svg\+xml)[;,]/i.test(value)) return value;
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === "https:" ? url.href : null;
}

/**
 * The app's badge: its logo as an `<img>` when it has a safe one, else the first letter of its name on a disc in
 * its primary color (or a color derived from its name). The disc's colors come from `--badge`/`--on-badge`, so
 * pair it with {@link brandCss}.
 */
export function renderAppBadge(branding: Branding, options: { size?: "large" | "small" } = {}): RawHtml {
  const sizeClass = options.size === "small" ? " small" : "";
  const logo = safeLogoUrl(branding.logoUrl);
  if (logo) return html`<img class="badge${sizeClass}" src="${logo}" alt="${branding.name} logo">`;
  const initial = Array.from(branding.name.trim())[0]?.toLocaleUpperCase("en") ?? "?";
  return html`<span class="badge${sizeClass}" aria-hidden="true">${initial}</span>`;
}

/** Footer links to the app's homepage, privacy policy and terms: http(s) ones only, opened without referrer. */
export function renderAppLinks(branding: Branding): RawHtml {
  const links = [
    { label: "Website", url: safeHttpUrl(branding.homepageUrl) },
    { label: "Privacy policy", url: safeHttpUrl(branding.privacyPolicyUrl) },
    { label: "Terms of service", url: safeHttpUrl(branding.termsOfServiceUrl) },
  ].filter((link): link is { label: string; url: string } => link.url !== null);
  if (links.length === 0) return html``;
  return html`<nav class="links" aria-label="${branding.name} links">${links.map(
    (link) => html`<a href="${link.url}" rel="noopener noreferrer" target="_blank">${link.label}</a>`,
  )}</nav>`;
}
