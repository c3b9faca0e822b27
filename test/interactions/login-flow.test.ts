// The hosted pages over real HTTP, with openid-client as the relying party, on both stores.
import test from 'ava';
import { Agent } from 'node:http';
import { Writable } from 'node:stream';
import * as oidc from 'openid-client';
import { providerPages, renderErrorPage } from '../../src/interactions/index.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { send } from '../helpers/raw-http.ts';
import { startWarden, type StartedWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { BrowserSession, formAction, formToken, type PageResponse } from './browser-session.ts';
import { openLoginPage, REDIRECT_URI, relyingParty, signIn, submitConsent, submitLogin } from './relying-party.ts';
import { logCollector } from '../helpers/log-collector.ts';

function start(kind: (typeof storeKinds)[number], env: Record<string, string> = {}, logTo?: Writable): Promise<StartedWarden> {
  const logger = logTo ? { logger: createLogger('info', 'warden', logTo) } : {};
  return startWarden({ kind, env, wardenOptions: { renderError: renderErrorPage, pages: providerPages, ...logger } });
}


function assertPageHeaders(t: import('ava').ExecutionContext, page: PageResponse): void {
  const csp = page.headers.get('content-security-policy') ?? '';
  t.regex(csp, /frame-ancestors 'none'/);
  t.regex(csp, /default-src 'none'/);
  t.notRegex(csp, /unsafe-inline/);
  t.is(page.headers.get('x-frame-options'), 'DENY');
  t.is(page.headers.get('referrer-policy'), 'no-referrer');
  t.is(page.headers.get('x-content-type-options'), 'nosniff');
  t.regex(page.headers.get('cache-control') ?? '', /no-store/);
  t.is(page.headers.get('access-control-allow-origin'), null);
}

// No scripts and nothing loaded from anywhere: only same-page forms and links.
function assertSelfContained(t: import('ava').ExecutionContext, html: string): void {
  t.notRegex(html, /<script/i);
  t.notRegex(html, /<(link|img|iframe)[^>]+(src|href)="https?:/i);
  t.notRegex(html, /@import/);
}

for (const kind of storeKinds) {
  test(`login -> consent -> code -> tokens through the hosted pages [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount({ name: 'Ada Lovelace' });
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const { url, verifier, state } = await rp.authorizationUrl();

    const loginPage = await openLoginPage(browser, url);
    t.is(loginPage.status, 200);
    assertPageHeaders(t, loginPage);
    assertSelfContained(t, loginPage.body);
    t.regex(loginPage.body, /<label for="login">/);
    t.regex(loginPage.body, /<input id="login" name="login"/);
    t.regex(loginPage.body, /<label for="password">/);
    t.regex(loginPage.body, /<input id="password" name="password" type="password"/);
    t.regex(loginPage.body, /<button type="submit">Sign in<\/button>/);
    t.regex(loginPage.body, /Acme Notes/);
    t.regex(loginPage.body, /name="viewport"/);

    const loggedIn = await submitLogin(browser, loginPage, account.email.toUpperCase(), account.password);
    t.is(loggedIn.status, 303);
    const consentPage = await browser.follow(loggedIn);
    t.is(consentPage.status, 200);
    assertPageHeaders(t, consentPage);
    assertSelfContained(t, consentPage.body);
    t.regex(consentPage.body, /Allow Acme Notes\?/);
    t.regex(consentPage.body, /<code>email<\/code>/);
    t.regex(consentPage.body, /<code>profile<\/code>/);
    t.true(consentPage.body.includes(account.email));
    t.regex(consentPage.body, /Ada Lovelace/);

    const consented = await submitConsent(browser, consentPage);
    t.is(consented.status, 303);
    const callback = await browser.follow(consented);
    t.true(callback.location?.startsWith(REDIRECT_URI));

    const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(callback.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    t.is(claims?.sub, account.id);
    const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, account.id);
    t.is(userinfo.email, account.email);
    t.is(userinfo.name, 'Ada Lovelace');

    const audit = await warden.db.auditEvent.findMany({ where: { subject: account.id }, orderBy: { seq: 'asc' } });
    t.deepEqual(
      audit.map((event) => event.kind).filter((kind) => kind.startsWith('login') || kind.startsWith('consent')),
      ['login.succeeded', 'consent.granted'],
    );

    // A second authorization in the same browser reuses the session and the grant: no pages at all.
    const again = await rp.authorizationUrl();
    const silent = await browser.follow(await browser.get(again.url.href));
    t.true(silent.location?.startsWith(REDIRECT_URI));
  });

  test(`wrong password and unknown account get the same answer [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);

    async function attempt(login: string, password: string) {
      const browser = new BrowserSession(warden.url);
      const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
      const response = await submitLogin(browser, loginPage, login, password);
      const page = await browser.follow(response);
      return { response, page, uid: new URL(loginPage.url).pathname };
    }
    const wrong = await attempt(account.email, 'not the right password at all');
    const unknown = await attempt('nobody-here@example.test', 'not the right password at all');
    for (const result of [wrong, unknown]) {
      t.is(result.response.status, 303);
      t.is(result.response.location, result.uid);
      t.is(result.page.status, 200);
      t.regex(result.page.body, /The email address or password is not right/);
    }
    const failures = await warden.db.auditEvent.findMany({ where: { kind: 'login.failed' } });
    t.is(failures.length, 2);
    t.is(failures.find((event) => event.subject !== null)?.subject, account.id);
  });

  test(`forms without the right CSRF token are refused and change nothing [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const action = formAction(loginPage.body, 'login');

    const missing = await browser.post(action, { login: account.email, password: account.password });
    t.is(missing.status, 403);
    assertPageHeaders(t, missing);
    t.regex(missing.body, /security token/);

    const wrong = await browser.post(action, { csrf: 'A'.repeat(43), login: account.email, password: account.password });
    t.is(wrong.status, 403);

    // A valid token for another interaction does not carry over.
    const other = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const crossed = await browser.post(action, { csrf: formToken(other.body), login: account.email, password: account.password });
    t.is(crossed.status, 403);

    // A different browser (no cookie) with a token copied from this one.
    const stranger = new BrowserSession(warden.url);
    const stolen = await stranger.post(action, { csrf: formToken(loginPage.body), login: account.email, password: account.password });
    t.true(stolen.status === 403 || stolen.status === 400);

    t.is(await warden.db.auditEvent.count({ where: { kind: { startsWith: 'login.' } } }), 0);
    // The real form still works afterwards.
    const ok = await submitLogin(browser, loginPage, account.email, account.password);
    t.is(ok.status, 303);
  });

  test(`oversized or malformed forms get a 4xx page, never a 500 [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const action = formAction(loginPage.body, 'login');
    const huge = await browser.post(action, { csrf: formToken(loginPage.body), login: account.email, password: 'x'.repeat(40_000) });
    t.is(huge.status, 413);
    assertPageHeaders(t, huge);
    t.regex(huge.body, /could not be read/);
    const json = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    t.true(json.status >= 400 && json.status < 500);
    const nested = await browser.request(`${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      form: { csrf: formToken(loginPage.body), 'login[a]': 'x', password: 'y' },
    });
    t.is(nested.status, 303);
    t.is(await warden.db.auditEvent.count({ where: { kind: 'login.succeeded' } }), 0);
  });

  test(`a compressed form that does not decompress gets a 400 page, on the sign-in and the account pages [${kind}]`, async (t) => {
    const warden = await start(kind, { WARDEN_SELF_REGISTRATION: 'true' });
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const { browser: signedIn } = await signIn(warden, rp, account);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const form = { csrf: formToken(loginPage.body), login: account.email, password: account.password };

    const targets: Array<[BrowserSession, string]> = [
      [browser, formAction(loginPage.body, 'login')],
      [browser, formAction(loginPage.body, 'abort')],
      [browser, '/interaction/made-up-uid/login'],
      [browser, '/interaction/made-up-uid/confirm'],
      [browser, '/interaction/made-up-uid/register'],
      [signedIn, '/account/totp'],
      [signedIn, '/account/totp/disable'],
      [signedIn, '/account/recovery-codes'],
    ];
    for (const [session, path] of targets) {
      for (const encoding of ['gzip', 'deflate']) {
        // The form's bytes as they are, labelled as compressed.
        const page = await session.request(path, { form, headers: { 'content-encoding': encoding } });
        t.is(page.status, 400, `${encoding} ${path}`);
        assertPageHeaders(t, page);
        t.regex(page.body, /could not be read/);
      }
    }

    // Refused partway through, a large body must not leave its rest to be read as the next request.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.teardown(() => agent.destroy());
    const large = 'a=' + 'x'.repeat(200_000);
    for (const headers of [{ 'content-encoding': 'gzip' }, { 'transfer-encoding': 'chunked' }]) {
      const refused = await send(agent, `${warden.url}/interaction/made-up-uid/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: large });
      t.true(refused.status === 400 || refused.status === 413, JSON.stringify(headers));
      t.regex(refused.body, /could not be read/);
      t.is((await send(agent, `${warden.url}/healthz`)).status, 200, 'the next request on the connection is answered');
    }

    const ok = await submitLogin(browser, loginPage, account.email, account.password);
    t.is(ok.status, 303, 'the real form still works afterwards');
    t.is((await signedIn.get('/account')).status, 200);
  });

  test(`an unexpected failure on the account page is logged with its request id [${kind}]`, async (t) => {
    const { lines, stream } = logCollector();
    const warden = await start(kind, {}, stream);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const { browser } = await signIn(warden, rp, account);

    warden.warden.accounts.findById = () => Promise.reject(new Error('store unavailable'));
    const page = await browser.get('/account');
    t.is(page.status, 500);
    t.regex(page.body, /Something went wrong/);
    const requestId = page.headers.get('x-request-id');
    const logged = lines.find((line) => line['level'] === 'error' && line['requestId'] === requestId);
    t.like(logged, { path: '/account', err: { message: 'store unavailable' } });
  });

  test(`an unknown or expired interaction gets a readable error page [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const browser = new BrowserSession(warden.url);
    const page = await browser.get('/interaction/no-such-interaction');
    t.is(page.status, 400);
    assertPageHeaders(t, page);
    assertSelfContained(t, page.body);
    t.regex(page.body, /This page has expired/);
    t.notRegex(page.body, /at .*\.ts:\d+/);
    const posted = await browser.post('/interaction/no-such-interaction/login', { login: 'a', password: 'b' });
    t.is(posted.status, 400);
  });

  test(`an unregistered redirect_uri gets an error page, never a redirect [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const rp = await relyingParty(warden);
    const { url } = await rp.authorizationUrl({ redirect_uri: 'https://evil.example/callback' });
    const page = await new BrowserSession(warden.url).get(url.href);
    t.is(page.status, 400);
    t.is(page.location, undefined);
    assertPageHeaders(t, page);
    t.regex(page.body, /Unexpected return address/);
  });

  test(`cancel and deny return access_denied to the client with 303 [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const cancelled = await browser.post(formAction(loginPage.body, 'abort'), { csrf: formToken(loginPage.body) });
    t.is(cancelled.status, 303);
    const back = await browser.follow(cancelled);
    t.regex(back.location ?? '', /error=access_denied/);

    const second = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const consentPage = await browser.follow(await submitLogin(browser, second, account.email, account.password));
    const denied = await browser.post(formAction(consentPage.body, 'abort'), { csrf: formToken(consentPage.body) });
    t.is(denied.status, 303);
    t.regex((await browser.follow(denied)).location ?? '', /error=access_denied/);
    t.is(await warden.db.auditEvent.count({ where: { kind: 'consent.denied', subject: account.id } }), 1);
  });

  test(`repeated failures from one address get a 429 page with Retry-After [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const statuses: number[] = [];
    let last: PageResponse | undefined;
    // Three free attempts, then delays of 1 s, 2 s, 4 s...: however slow this machine is, the
    // doubling delay soon outruns one attempt.
    for (let i = 0; i < 12 && last?.status !== 429; i += 1) {
      last = await submitLogin(browser, loginPage, account.email, `wrong password number ${i}`);
      statuses.push(last.status);
    }
    t.deepEqual(statuses.slice(0, 3), [303, 303, 303]);
    t.is(last?.status, 429);
    t.truthy(last?.headers.get('retry-after'));
    t.regex(last?.body ?? '', /Too many sign-in attempts/);
    t.regex(last?.body ?? '', /<button type="submit">Sign in<\/button>/);
    if (last) assertPageHeaders(t, last);
  });

  test(`a password change ends the browser session [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const { browser } = await signIn(warden, rp, account);

    await warden.warden.accounts.changePassword(account.id, 'an entirely new passphrase 9');
    const again = await rp.authorizationUrl();
    const landed = await browser.follow(await browser.get(again.url.href));
    t.is(landed.status, 200);
    t.regex(landed.body, /name="password"/);

    // prompt=none cannot ride the old session either.
    const silent = await rp.authorizationUrl({ prompt: 'none' });
    const answer = await browser.follow(await browser.get(silent.url.href));
    t.regex(answer.location ?? '', /error=login_required/);
  });

  test(`a new login gets a new session cookie [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    await signIn(warden, rp, account, browser);
    const before = await warden.db.oidcPayload.findMany({ where: { model: 'Session' }, select: { id: true } });
    const forced = await rp.authorizationUrl({ prompt: 'login' });
    const loginPage = await openLoginPage(browser, forced.url);
    const done = await browser.follow(await submitLogin(browser, loginPage, account.email, account.password));
    t.true(done.location?.startsWith(REDIRECT_URI));
    const after = await warden.db.oidcPayload.findMany({ where: { model: 'Session' }, select: { id: true } });
    t.is(after.length, 1);
    t.notDeepEqual(
      after.map((row) => row.id),
      before.map((row) => row.id),
    );
  });
}
