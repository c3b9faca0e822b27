// Shared setup for the risk end-to-end tests: a Warden with the real risk engine wired in (createWarden's
// `risk: true`), behind a pretend proxy (WARDEN_TRUST_PROXY=true) so each "browser" can come from a
// public address in a country of its choosing, and a login walk through the real pages.
import * as oidc from 'openid-client';
import { startWarden, type StartedWarden, type TestAccount } from '../helpers/server.ts';
import type { StoreKind } from '../helpers/store.ts';
import { BrowserSession, formAction, formToken, type PageResponse } from '../interactions/browser-session.ts';
import { openLoginPage, REDIRECT_URI, relyingParty, submitConsent, submitLogin, type RelyingParty } from '../interactions/relying-party.ts';

export { REDIRECT_URI };

// Addresses geoip-lite places in different countries.
export const CANADA = '24.48.0.1';
export const JAPAN = '133.242.0.1';
export const GERMANY_HOSTING = '85.214.132.117';

export const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36';
export const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121.0';
export const SCRIPT = 'python-requests/2.31';

/** A browser with its own cookie jar (so its own device cookie), address and user agent. */
export class Browser extends BrowserSession {
  constructor(origin: string, readonly address: string, readonly userAgent: string) {
    super(origin);
  }

  override request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    return super.request(url, { ...init, headers: { 'x-forwarded-for': this.address, 'user-agent': this.userAgent, ...init.headers } });
  }
}

export async function startRiskWarden(kind: StoreKind, mode: 'enforce' | 'monitor' | 'off' = 'enforce'): Promise<StartedWarden> {
  return startWarden({ kind, env: { WARDEN_TRUST_PROXY: 'true', WARDEN_RISK_MODE: mode }, wardenOptions: { risk: true } });
}

export interface LoginAttempt {
  /** The page or redirect the login POST answered with. */
  response: PageResponse;
  /** After following redirects within Warden (and through consent when it is asked for). */
  final: PageResponse;
  verifier: string;
  state: string;
}

/** Opens a fresh authorization request (prompt=login, so a session never skips the form) and signs in. */
export async function attemptLogin(
  rp: RelyingParty,
  browser: Browser,
  login: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<LoginAttempt> {
  const { url, verifier, state } = await rp.authorizationUrl({ prompt: 'login', ...extra });
  const loginPage = await openLoginPage(browser, url);
  if (loginPage.status !== 200) throw new Error(`login page answered ${loginPage.status}`);
  const response = await submitLogin(browser, loginPage, login, password);
  return { response, final: await throughConsent(browser, await browser.follow(response)), verifier, state };
}

export async function throughConsent(browser: Browser, page: PageResponse): Promise<PageResponse> {
  if (page.status === 200 && page.body.includes('/confirm"')) return browser.follow(await submitConsent(browser, page));
  return page;
}

export const reachedClient = (page: PageResponse): boolean => page.location?.startsWith(REDIRECT_URI) ?? false;

/** Exchanges the code the client received for tokens (the real token endpoint). */
export async function redeem(rp: RelyingParty, attempt: LoginAttempt) {
  return oidc.authorizationCodeGrant(rp.config, new URL(attempt.final.location ?? ''), {
    pkceCodeVerifier: attempt.verifier,
    expectedState: attempt.state,
  });
}

/** Posts the step-up form on the page a held login shows. */
export async function submitCode(browser: Browser, page: PageResponse, code: string): Promise<PageResponse> {
  return browser.post(formAction(page.body, 'step-up'), { csrf: formToken(page.body), code });
}

export async function riskWorld(kind: StoreKind, mode: 'enforce' | 'monitor' | 'off' = 'enforce') {
  const w = await startRiskWarden(kind, mode);
  const rp = await relyingParty(w);
  return { w, rp };
}

/** The user's first sign-in: no history yet, allowed without a second factor to start it. */
export async function establishHistory(rp: RelyingParty, browser: Browser, account: TestAccount): Promise<LoginAttempt> {
  const attempt = await attemptLogin(rp, browser, account.email, account.password);
  if (!reachedClient(attempt.final)) throw new Error(`first sign-in did not reach the client: ${attempt.final.status} ${attempt.final.body.slice(0, 300)}`);
  return attempt;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const reasonsOf = (row: { reasons: unknown }): string[] =>
  Array.isArray(row.reasons) ? row.reasons.filter((r): r is string => typeof r === 'string') : [];

/** Every RiskEvent has its risk.decision entry in the audit log, and the chain verifies. */
export async function everyDecisionAudited(w: StartedWarden): Promise<{ events: number; missing: string[]; chainOk: boolean }> {
  const { verifyAudit } = await import('../../src/audit/index.ts');
  const events = await w.db.riskEvent.findMany({ select: { id: true } });
  const audited = new Set(
    (await w.db.auditEvent.findMany({ where: { kind: 'risk.decision' }, select: { subject: true } })).map((e) => e.subject),
  );
  return { events: events.length, missing: events.filter((e) => !audited.has(e.id)).map((e) => e.id), chainOk: (await verifyAudit(w.db)).ok };
}
