// One real browser (Debian's Chromium through playwright-core) through the hosted login and consent
// pages: it types into the labelled fields, presses the submit buttons, and lands on the client's
// redirect URI with a code, which openid-client then redeems.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import * as oidc from 'openid-client';
import { chromium, type Browser } from 'playwright-core';
import { providerPages, renderErrorPage } from '../../src/interactions/index.ts';
import { startWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// The client's callback: a tiny server that records the query it was sent to.
async function callbackServer(): Promise<{ server: Server; url: string; received: Promise<URL> }> {
  let resolve: (url: URL) => void = () => {};
  const received = new Promise<URL>((done) => {
    resolve = done;
  });
  const server = createServer((req, res) => {
    resolve(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.setHeader('content-type', 'text/html');
    res.end('<!DOCTYPE html><title>Callback</title><h1>Signed in</h1>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/callback`, received };
}

let browser: Browser | undefined;
test.before(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
test.after.always(async () => {
  await browser?.close();
});

// The browser walk is the same on both stores; one run keeps the suite quick.
const kind = storeKinds[0] ?? 'sqlite';

test(`Chromium signs in and consents through the hosted pages [${kind}]`, async (t) => {
  const warden = await startWarden({ kind, wardenOptions: { renderError: renderErrorPage, pages: providerPages } });
  t.teardown(() => warden.stop());
  const callback = await callbackServer();
  t.teardown(() => new Promise<void>((done) => callback.server.close(() => done())));
  const account = await warden.createAccount({ name: 'Grace Hopper' });
  const client = await warden.createClient({ redirect_uris: [callback.url], client_name: 'Browser Test App' });
  const config = await oidc.discovery(new URL(warden.issuer), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authorizationUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callback.url,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });

  const context = await browser!.newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  // Nothing may be fetched from anywhere but Warden and the client's callback.
  const foreignRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== new URL(warden.url).origin && !request.url().startsWith(callback.url)) foreignRequests.push(request.url());
  });

  await page.goto(authorizationUrl.href);
  t.regex(page.url(), /\/interaction\/[^/]+$/);
  t.is(await page.title(), 'Sign in · Warden');
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.click('button[type=submit]');

  await page.waitForURL(/\/interaction\/[^/]+$/);
  t.regex(await page.textContent('h1') ?? '', /Allow Browser Test App\?/);
  t.regex(await page.textContent('main') ?? '', /Grace Hopper/);
  await page.click('button[type=submit]');

  const landed = await callback.received;
  t.is(landed.searchParams.get('state'), state);
  t.truthy(landed.searchParams.get('code'));
  t.is(landed.searchParams.get('iss'), warden.issuer);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(`${callback.url}${landed.search}`), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  t.is(tokens.claims()?.sub, account.id);
  t.deepEqual(violations, []);
  t.deepEqual(foreignRequests, []);
});

// The relying party's own site (127.0.0.1, another site than Warden's localhost): a page whose form
// posts an authorization request to Warden, as a form_post-style RP does, and the callback.
async function relyingPartySite(authorizationEndpoint: string): Promise<{ server: Server; origin: string; setForm(params: URLSearchParams): void; nextCallback(): Promise<URL> }> {
  let fields = '';
  const waiting: Array<(url: URL) => void> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('content-type', 'text/html');
    if (url.pathname === '/start') {
      res.end(`<!DOCTYPE html><title>RP</title><body onload="document.forms[0].submit()"><form method="post" action="${authorizationEndpoint}">${fields}<button type="submit">Go</button></form></body>`);
      return;
    }
    if (url.pathname !== '/callback') {
      res.statusCode = 404;
      res.end();
      return;
    }
    waiting.shift()?.(url);
    res.end('<!DOCTYPE html><title>Callback</title><h1>Back at the RP</h1>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    setForm(params) {
      fields = [...params].map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replaceAll('"', '&quot;')}">`).join('');
    },
    nextCallback: () =>
      new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the browser never came back to the callback')), 20_000);
        waiting.push((url) => {
          clearTimeout(timer);
          resolve(url);
        });
      }),
  };
}

test(`Chromium: an authorization request POSTed from the RP's site to a plain-http Warden finds the session [${kind}]`, async (t) => {
  const warden = await startWarden({ kind, wardenOptions: { renderError: renderErrorPage, pages: providerPages } });
  t.teardown(() => warden.stop());
  const rp = await relyingPartySite(`${warden.url}/auth`);
  t.teardown(() => new Promise<void>((done) => rp.server.close(() => done())));
  const account = await warden.createAccount();
  const redirectUri = `${rp.origin}/callback`;
  const client = await warden.createClient({ redirect_uris: [redirectUri], client_name: 'Form Post App' });
  const request = async (extra: Record<string, string>) =>
    new URLSearchParams({
      client_id: client.client_id, response_type: 'code', scope: 'openid', redirect_uri: redirectUri,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256', ...extra,
    });

  const context = await browser!.newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  // First sign-in, started by the RP's form: the login and consent pages, then back with a code.
  rp.setForm(await request({ state: 'first' }));
  const first = rp.nextCallback();
  await page.goto(`${rp.origin}/start`);
  await page.waitForURL(/\/interaction\/[^/]+$/);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/interaction\/[^/]+$/);
  await page.click('button[type=submit]');
  const firstLanded = await first;
  t.truthy(firstLanded.searchParams.get('code'), firstLanded.search);

  // Again by POST from the RP's site with prompt=none: only a session cookie sent along can answer it.
  rp.setForm(await request({ state: 'second', prompt: 'none' }));
  const second = rp.nextCallback();
  await page.goto(`${rp.origin}/start`);
  const landed = await second;
  t.is(landed.searchParams.get('error'), null, `answered ${landed.searchParams.get('error') ?? ''}`);
  t.truthy(landed.searchParams.get('code'));
  t.is(landed.searchParams.get('state'), 'second');
});
