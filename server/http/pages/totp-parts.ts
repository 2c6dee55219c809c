import QRCode from "qrcode";
import { html, type RawHtml, raw } from "./html.ts";

/** Styles of the QR code, the secret and the recovery codes (account security page and the sign-in steps). */
export const TOTP_CSS = `
.totp-qr { display: flex; justify-content: center; margin: 0 0 12px; }
.totp-qr svg { width: 200px; height: 200px; background: #fff; border-radius: 8px; }
.totp-secret { text-align: center; overflow-wrap: anywhere; margin: 0 0 16px; }
.totp-secret code { font-size: 1rem; letter-spacing: 0.08em; }
.recovery-codes {
  list-style: none; margin: 0 0 16px; padding: 12px; display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr));
  gap: 6px 12px; border: 1px dashed var(--border); border-radius: 8px;
}
.recovery-codes code { font-size: 1rem; }
input.code-input { letter-spacing: 0.15em; }
`;

/**
 * The `otpauth://` key URI as an inline SVG QR code, drawn here (no image service sees the secret). The SVG is
 * qrcode's own output from our URI: paths only, no script or external reference.
 */
export async function renderTotpQr(keyUri: string): Promise<RawHtml> {
  const svg = await QRCode.toString(keyUri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return html`<div class="totp-qr" role="img" aria-label="QR code of your authenticator app's secret">${raw(svg)}</div>`;
}

/** The QR code, and the secret in groups of four for typing into an app by hand. */
export async function renderTotpEnrolment(keyUri: string, secret: string): Promise<RawHtml> {
  const grouped = secret.match(/.{1,4}/g)?.join(" ") ?? secret;
  return html`${await renderTotpQr(keyUri)}
    <p class="totp-secret muted small">Can't scan it? Enter this key: <code data-testid="totp-secret">${grouped}</code></p>`;
}

/** The recovery codes, shown once, with what they are for. */
export function renderRecoveryCodes(codes: readonly string[]): RawHtml {
  return html`<p><strong>Save these recovery codes now.</strong> Each one signs you in once if you lose your authenticator app; they will not be shown again.</p>
    <ul class="recovery-codes" data-testid="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>`;
}
