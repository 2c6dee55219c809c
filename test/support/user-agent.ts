/**
 * A minimal browser stand-in for HTTP-level flow tests: keeps cookies, follows nothing on its own (tests assert each
 * hop), and reads hidden form fields out of the pages Latch renders. The Chromium tests cover the real browser.
 */
export class UserAgent {
  readonly cookies = new Map<string, string>();
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  private absolute(url: string): string {
    return new URL(url, this.base).toString();
  }

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  async get(url: string): Promise<Response> {
    const response = await fetch(this.absolute(url), { redirect: "manual", headers: this.cookieHeader() });
    this.remember(response);
    return response;
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(this.absolute(url), {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: new URL(this.base).origin,
        ...this.cookieHeader(),
        ...headers,
      },
      body: new URLSearchParams(form),
    });
    this.remember(response);
    return response;
  }
}

/** The value of a hidden input in an HTML page, by name. */
export function hiddenField(html: string, name: string): string {
  const tag = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  const value = tag?.match(/value="([^"]*)"/)?.[1];
  if (value === undefined) throw new Error(`no hidden field "${name}" in page`);
  return value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

export function location(response: Response): string {
  const value = response.headers.get("location");
  if (!value) throw new Error(`expected a redirect, got ${response.status}`);
  return value;
}
