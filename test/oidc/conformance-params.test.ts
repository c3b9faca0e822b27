// Authorization request parameters and userinfo access methods from the OpenID conformance suite's
// basic/config OP plans (max_age, login_hint, ui_locales, userinfo by GET and POST), over real HTTP.
import test from 'ava';
import { decodeJwt } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden, type StartedWarden, type TestClient } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';
import { Browser, signIn, signInAndRedeem } from './_browser.ts';
import { issueUserAccessToken } from './_tokens.ts';

const REDIRECT = 'https://rp.example.test/cb';

/** Sign in (with `params` on the authorization request) and redeem, checking auth_time against max_age like an RP must. */
async function signInWithMaxAge(
  w: StartedWarden,
  rp: client.Configuration,
  c: TestClient,
  user: Parameters<typeof signIn>[3],
  maxAge: number,
  browser?: Browser,
) {
  const result = await signIn(w, rp, c, user, { params: { max_age: String(maxAge) }, ...(browser ? { browser } : {}) });
  // With maxAge, openid-client refuses an ID token without auth_time or with one older than max_age.
  const tokens = await client.authorizationCodeGrant(rp, result.callback, {
    pkceCodeVerifier: result.codeVerifier,
    expectedState: result.state,
    expectedNonce: result.nonce,
    maxAge,
  });
  const authTime = decodeJwt(tokens.id_token ?? '').auth_time;
  if (typeof authTime !== 'number') throw new Error('ID token without auth_time');
  return { pages: result.pages, browser: result.browser, authTime };
}

/** The first page the browser lands on for an authorization request carrying `params`. */
async function firstPage(w: StartedWarden, rp: client.Configuration, params: Record<string, string>): Promise<{ status: number; html: string }> {
  const browser = new Browser();
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    ...params,
  });
  const step = await browser.follow(await browser.get(url), url.href, new URL(w.issuer).origin);
  if (step.leftTo) throw new Error(`sent back to the client: ${step.leftTo.href}`);
  return { status: step.response.status, html: await step.response.text() };
}

function loginFieldValue(html: string): string | undefined {
  const input = /<input\b[^>]*\bname="login"[^>]*>/.exec(html)?.[0];
  return input === undefined ? undefined : /\bvalue="([^"]*)"/.exec(input)?.[1];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilUnixSecond(second: number): Promise<void> {
  const wait = second * 1000 - Date.now();
  if (wait > 0) await sleep(wait + 50);
}

for (const kind of storeKinds) {
  test(`max_age: auth_time in the ID token; a session older than max_age signs in again, a fresh one does not [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);

    const first = await signInWithMaxAge(w, rp, c, user, 300);
    t.deepEqual(first.pages, ['login', 'consent']);

    const fresh = await signInWithMaxAge(w, rp, c, user, 300, first.browser);
    t.deepEqual(fresh.pages, [], 'a session within max_age needs no login');
    t.is(fresh.authTime, first.authTime, 'auth_time is when the user signed in, not when the token was issued');

    await untilUnixSecond(first.authTime + 2);
    const stale = await signInWithMaxAge(w, rp, c, user, 1, first.browser);
    t.deepEqual(stale.pages, ['login'], 'a session older than max_age asks for the password again');
    t.true(stale.authTime > first.authTime, 'the new login has a newer auth_time');

    const zero = await signInWithMaxAge(w, rp, c, user, 0, first.browser);
    t.deepEqual(zero.pages, ['login'], 'max_age=0 always asks again');
    t.true(zero.authTime >= stale.authTime);

    // Without a browser to show a login page to, a stale session is an error for the client.
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      prompt: 'none',
      max_age: '0',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const none = await first.browser.get(url);
    const location = new URL(none.headers.get('location') ?? '', w.issuer);
    t.is(location.origin + location.pathname, REDIRECT);
    t.is(location.searchParams.get('error'), 'login_required');
  });

  test(`login_hint pre-fills the login field, escaped; an overlong hint is ignored; ui_locales is accepted, pages say lang="en" [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);

    const hinted = await firstPage(w, rp, { login_hint: user.email });
    t.is(hinted.status, 200);
    t.is(loginFieldValue(hinted.html), user.email);

    const xss = '"><script>alert(1)</script><x a="';
    const attack = await firstPage(w, rp, { login_hint: xss });
    t.is(attack.status, 200);
    t.false(attack.html.includes('<script>'), 'the hint never reaches the page as markup');
    t.is(loginFieldValue(attack.html), '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;x a=&quot;');

    const overlongHint = `${'a'.repeat(244)}@example.test`;
    t.is(overlongHint.length, 257);
    const overlong = await firstPage(w, rp, { login_hint: overlongHint });
    t.is(overlong.status, 200);
    t.is(loginFieldValue(overlong.html), '', 'a hint longer than any login is not echoed');
    t.false(overlong.html.includes('a'.repeat(244)));

    const discovery = (await (await fetch(`${w.issuer}/.well-known/openid-configuration`)).json()) as { ui_locales_supported?: string[] };
    t.deepEqual(discovery.ui_locales_supported, ['en']);
    const localised = await firstPage(w, rp, { ui_locales: 'fr-CA fr en', login_hint: user.email });
    t.is(localised.status, 200);
    t.regex(localised.html, /<html lang="en">/, 'English is the only language the pages have');
    t.is(loginFieldValue(localised.html), user.email);

    // The whole flow with ui_locales: accepted, not an error.
    const flow = await signIn(w, rp, c, user, { params: { ui_locales: 'de' } });
    t.truthy(flow.callback.searchParams.get('code'));
    t.is(flow.callback.searchParams.get('error'), null);
  });

  test(`userinfo: bearer token by GET and POST header and by POST form body; bad or expired tokens get 401 invalid_token [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const userinfo = `${w.issuer}/me`;
    // A token with a two-second lifetime, minted first so that it has expired by the end of the test.
    const { grantId } = await issueUserAccessToken(w, c.client_id, user.id, 'openid email');
    const providerClient = await w.warden.provider.Client.find(c.client_id);
    if (!providerClient) return t.fail('the client is not found');
    const expiring = await new w.warden.provider.AccessToken({
      accountId: user.id,
      client: providerClient,
      grantId,
      gty: 'authorization_code',
      scope: 'openid email',
      expiresIn: 2,
    }).save();
    const expiringSavedAt = Date.now();
    t.is((await fetch(userinfo, { headers: { authorization: `Bearer ${expiring}` } })).status, 200, 'valid until it expires');

    const token = (await signInAndRedeem(w, rp, c, user, { scope: 'openid email' })).tokens.access_token;
    const expectUser = async (response: Response, how: string) => {
      t.is(response.status, 200, how);
      const body = (await response.json()) as { sub?: string; email?: string };
      t.is(body.sub, user.id, how);
      t.is(body.email, user.email, how);
    };
    await expectUser(await fetch(userinfo, { headers: { authorization: `Bearer ${token}` } }), 'GET, Authorization header');
    await expectUser(await fetch(userinfo, { method: 'POST', headers: { authorization: `Bearer ${token}` } }), 'POST, Authorization header');
    await expectUser(
      await fetch(userinfo, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: token }),
      }),
      'POST, form body',
    );
    t.is((await client.fetchUserInfo(rp, token, user.id)).email, user.email, 'as an RP library calls it');

    const expectInvalidToken = async (response: Response, how: string) => {
      t.is(response.status, 401, how);
      t.regex(response.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/, how);
    };
    await expectInvalidToken(await fetch(userinfo, { headers: { authorization: 'Bearer not-a-token' } }), 'unknown token by GET');
    await expectInvalidToken(
      await fetch(userinfo, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: 'not-a-token' }),
      }),
      'unknown token in a form body',
    );

    await sleep(expiringSavedAt + 3000 - Date.now());
    await expectInvalidToken(await fetch(userinfo, { headers: { authorization: `Bearer ${expiring}` } }), 'expired token');
  });
}
