// openid-client v6 as the relying party, plus the login -> consent -> code walk through Warden's
// hosted pages, shared by the page tests.
import * as oidc from 'openid-client';
import type { StartedWarden, TestAccount, TestClient } from '../helpers/server.ts';
import { BrowserSession, formAction, formToken, type PageResponse } from './browser-session.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface RelyingParty {
  config: oidc.Configuration;
  client: TestClient;
  authorizationUrl(extra?: Record<string, string>): Promise<{ url: URL; verifier: string; state: string }>;
}

export async function relyingParty(warden: StartedWarden, metadata: Record<string, unknown> = {}): Promise<RelyingParty> {
  const client = await warden.createClient({
    redirect_uris: [REDIRECT_URI],
    client_name: 'Acme Notes',
    scope: 'openid profile email offline_access groups roles',
    ...metadata,
  });
  const config = await oidc.discovery(new URL(warden.issuer), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  return {
    config,
    client,
    async authorizationUrl(extra = {}) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...extra,
      });
      return { url, verifier, state };
    },
  };
}

/** Starts an authorization request and returns the login page it lands on. */
export async function openLoginPage(browser: BrowserSession, url: URL): Promise<PageResponse> {
  const first = await browser.get(url.href);
  return browser.follow(first);
}

export async function submitLogin(browser: BrowserSession, loginPage: PageResponse, login: string, password: string): Promise<PageResponse> {
  return browser.post(formAction(loginPage.body, 'login'), { csrf: formToken(loginPage.body), login, password });
}

export async function submitConsent(browser: BrowserSession, consentPage: PageResponse): Promise<PageResponse> {
  return browser.post(formAction(consentPage.body, 'confirm'), { csrf: formToken(consentPage.body) });
}

/** Login and consent; returns the redirect to the client carrying the code. */
export async function signIn(
  warden: StartedWarden,
  rp: RelyingParty,
  account: TestAccount,
  browser = new BrowserSession(warden.url),
): Promise<{ callback: URL; verifier: string; state: string; browser: BrowserSession }> {
  const { url, verifier, state } = await rp.authorizationUrl();
  const loginPage = await openLoginPage(browser, url);
  if (loginPage.status !== 200) throw new Error(`login page answered ${loginPage.status}`);
  const afterLogin = await browser.follow(await submitLogin(browser, loginPage, account.email, account.password));
  let last = afterLogin;
  if (afterLogin.status === 200 && afterLogin.body.includes('/confirm"')) {
    last = await browser.follow(await submitConsent(browser, afterLogin));
  }
  if (!last.location?.startsWith(REDIRECT_URI)) throw new Error(`expected a redirect to the client, got ${last.status}`);
  return { callback: new URL(last.location), verifier, state, browser };
}
