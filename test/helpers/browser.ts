// A cookie-keeping HTTP client that walks the login and consent pages the way
// a browser without JavaScript does: follow no redirect silently, read forms.
import { CookieJar } from 'tough-cookie';

export interface Step {
  status: number;
  location: string | undefined;
  body: string;
  headers: Headers;
}

export class Browser {
  readonly jar = new CookieJar();
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Step> {
    const target = new URL(url, this.baseUrl).toString();
    const headers: Record<string, string> = { cookie: await this.jar.getCookieString(target) };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(Object.entries(init.form).flatMap(([name, value]) => [value].flat().map((item): [string, string] => [name, item]))).toString();
    }
    const response = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) await this.jar.setCookie(cookie, target);
    return { status: response.status, location: response.headers.get('location') ?? undefined, body: await response.text(), headers: response.headers };
  }

  /** Follows redirects within this server; stops at the first one that leaves it. */
  async follow(url: string): Promise<Step & { url: string }> {
    let current = new URL(url, this.baseUrl).toString();
    for (let hops = 0; hops < 10; hops += 1) {
      const step = await this.request(current);
      if (!step.location || step.status < 300 || step.status >= 400) return { ...step, url: current };
      const next = new URL(step.location, current);
      if (next.origin !== new URL(this.baseUrl).origin) return { ...step, url: current };
      current = next.toString();
    }
    throw new Error('too many redirects');
  }
}

export function csrfToken(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`no CSRF token in page:\n${page.slice(0, 500)}`);
  return match[1]!;
}

/** The door checkboxes of the consent page, as a browser would submit them (ticked ones). */
export function tickedDoors(page: string): string[] {
  return [...page.matchAll(/name="doors" value="([^"]+)" checked/g)].map((match) => match[1]!);
}

export function formAction(page: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(page);
  if (!match) throw new Error('no form in page');
  return match[1]!;
}
