// A minimal user agent for driving the hosted pages over real HTTP: a cookie jar, manual redirects
// within Warden, and form submission by reading the page's own forms (CSRF fields included).
import type { StartedWarden, TestAccount, TestClient } from '../helpers/server.ts';
import { client } from './_rp.ts';

export class Browser {
  readonly cookies = new Map<string, string>();

  private store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=Thu, 01 Jan 1970)/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(url: string | URL): Promise<Response> {
    const response = await fetch(url, { headers: this.headers(), redirect: 'manual' });
    this.store(response);
    return response;
  }

  async post(url: string | URL, form: Record<string, string>): Promise<Response> {
    const response = await fetch(url, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams(form),
      redirect: 'manual',
    });
    this.store(response);
    return response;
  }

  /**
   * Follows redirects while they stay on `origin`; returns the last response on it together with its
   * URL, or the first redirect that leaves it (the callback to the relying party).
   */
  async follow(start: Response, startUrl: string, origin: string): Promise<{ response: Response; url: string; leftTo?: URL }> {
    let response = start;
    let url = startUrl;
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status >= 400) return { response, url };
      const next = new URL(location, url);
      if (next.origin !== origin) return { response, url, leftTo: next };
      url = next.href;
      response = await this.get(next);
    }
    throw new Error('too many redirects');
  }
}

/** The fields of the page's form that posts to an action matching `action`. */
export function formOf(html: string, action: RegExp): { action: string; fields: Record<string, string> } {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attributes = match[1] ?? '';
    const target = /action="([^"]*)"/.exec(attributes)?.[1]?.replaceAll('&amp;', '&');
    if (!target || !action.test(target)) continue;
    const fields: Record<string, string> = {};
    for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1] ?? '')?.[1];
      const value = /value="([^"]*)"/.exec(input[1] ?? '')?.[1] ?? '';
      if (name) fields[name] = value.replaceAll('&amp;', '&').replaceAll('&quot;', '"');
    }
    return { action: target, fields };
  }
  throw new Error(`no form posting to ${action}`);
}

export interface SignInResult {
  callback: URL;
  /** Which hosted pages the flow went through ('login', 'consent'). */
  pages: string[];
  codeVerifier: string;
  state: string;
  nonce: string;
  browser: Browser;
}

export interface SignInOptions {
  scope?: string;
  redirectUri?: string;
  params?: Record<string, string>;
  browser?: Browser;
  /** How the browser sends the authorization request (default GET; POST as a form, as an RP's page would). */
  method?: 'GET' | 'POST';
}

/**
 * The authorization code flow through the real login and consent pages: returns the callback URL the
 * browser was sent to (code, state, iss), ready for openid-client's authorizationCodeGrant.
 */
export async function signIn(
  w: StartedWarden,
  rp: client.Configuration,
  c: TestClient,
  account: TestAccount,
  options: SignInOptions = {},
): Promise<SignInResult> {
  const browser = options.browser ?? new Browser();
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const redirectUri = options.redirectUri ?? c.metadata.redirect_uris?.[0] ?? '';
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...options.params,
  });
  const origin = new URL(w.issuer).origin;
  const first = options.method === 'POST'
    ? await browser.post(new URL(url.pathname, url), Object.fromEntries(url.searchParams))
    : await browser.get(url);
  let step = await browser.follow(first, url.href, origin);
  const pages: string[] = [];

  for (let hops = 0; hops < 5 && !step.leftTo; hops++) {
    const html = await step.response.text();
    let submitted: Response;
    let action: string;
    if (/name="password"/.test(html)) {
      const form = formOf(html, /\/login$/);
      pages.push('login');
      action = new URL(form.action, step.url).href;
      submitted = await browser.post(action, { ...form.fields, login: account.email, password: account.password });
    } else if (/\/confirm"/.test(html)) {
      const form = formOf(html, /\/confirm$/);
      pages.push('consent');
      action = new URL(form.action, step.url).href;
      submitted = await browser.post(action, form.fields);
    } else {
      throw new Error(`unexpected page (${step.response.status}) at ${step.url}: ${html.slice(0, 500)}`);
    }
    if (submitted.status !== 303) throw new Error(`POST ${action} answered ${submitted.status}, expected 303`);
    step = await browser.follow(submitted, action, origin);
  }
  if (!step.leftTo) throw new Error('the flow never returned to the client');
  return { callback: step.leftTo, pages, codeVerifier, state, nonce, browser };
}

/** signIn, then redeem the code with openid-client (PKCE, state, nonce, iss all checked). */
export async function signInAndRedeem(
  w: StartedWarden,
  rp: client.Configuration,
  c: TestClient,
  account: TestAccount,
  options: SignInOptions = {},
) {
  const result = await signIn(w, rp, c, account, options);
  const tokens = await client.authorizationCodeGrant(rp, result.callback, {
    pkceCodeVerifier: result.codeVerifier,
    expectedState: result.state,
    expectedNonce: result.nonce,
  });
  return { ...result, tokens };
}
