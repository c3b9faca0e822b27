// A minimal browser for HTTP tests: a cookie jar (honouring Path and deletion) over fetch with
// manual redirects, plus helpers to read forms out of Warden's pages.
export interface PageResponse {
  status: number;
  headers: Headers;
  location: string | undefined;
  body: string;
  url: string;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export class BrowserSession {
  private cookies: StoredCookie[] = [];

  constructor(private readonly origin: string) {}

  private absolute(url: string): URL {
    return new URL(url, this.origin);
  }

  private cookieHeader(url: URL): string {
    return this.cookies
      .filter((cookie) => url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  private store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', attributeValue = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = attributeValue;
        if (key.toLowerCase() === 'expires' && new Date(attributeValue).getTime() < Date.now()) expired = true;
        if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
      }
      this.cookies = this.cookies.filter((cookie) => !(cookie.name === name && cookie.path === path));
      if (!expired) this.cookies.push({ name, value, path });
    }
  }

  cookieNames(): string[] {
    return this.cookies.map((cookie) => cookie.name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    const target = this.absolute(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(target, response.headers);
    return {
      status: response.status,
      headers: response.headers,
      location: response.headers.get('location') ?? undefined,
      body: await response.text(),
      url: target.href,
    };
  }

  get(url: string): Promise<PageResponse> {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>): Promise<PageResponse> {
    return this.request(url, { form });
  }

  /** Follows redirects within the origin until a page, or a redirect elsewhere (the client's callback). */
  async follow(response: PageResponse, limit = 10): Promise<PageResponse> {
    let current = response;
    for (let hop = 0; hop < limit && current.location; hop += 1) {
      const next = new URL(current.location, current.url);
      if (next.origin !== this.origin) return current;
      current = await this.get(next.href);
    }
    return current;
  }
}

export function formToken(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token in page');
  return match[1];
}

export function formAction(html: string, action: string): string {
  const match = new RegExp(`action="([^"]*/${action})"`).exec(html);
  if (!match?.[1]) throw new Error(`no form posting to ${action}`);
  return match[1];
}
