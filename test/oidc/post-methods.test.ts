import test from 'ava';
import { Agent } from 'node:http';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { send } from '../helpers/raw-http.ts';
import { client, rpFor } from './_rp.ts';
import { formOf, signInAndRedeem } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';
const AFTER_LOGOUT = 'https://rp.example.test/bye';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

// The https issuer's native POST handling is covered in code-flow.test.ts; these run on the plain-http
// issuer that `npm start` serves, where a POST is turned into a GET (src/oidc/post-as-get.ts).
for (const kind of storeKinds) {
  test(`http issuer: a sign-in that starts with POST to the authorization endpoint completes, parameters intact [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount({ name: 'Ada Lovelace' });
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);

    const { tokens, pages } = await signInAndRedeem(w, rp, c, user, {
      method: 'POST',
      scope: 'openid profile',
      params: { claims: JSON.stringify({ id_token: { name: null } }) },
    });
    t.deepEqual(pages, ['login', 'consent']);
    t.is(tokens.claims()?.sub, user.id);
    t.is(tokens.claims()?.name, 'Ada Lovelace', 'a JSON-valued parameter survived the move to the query');

    const params = { client_id: c.client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, state: 'a b&c=d' };
    const posted = await fetch(`${w.url}/auth`, { method: 'POST', headers: FORM, body: new URLSearchParams(params), redirect: 'manual' });
    t.is(posted.status, 303, 'See Other: the browser follows with a GET');
    const location = new URL(posted.headers.get('location') ?? '', w.url);
    t.is(location.origin + location.pathname, `${w.url}/auth`, 'only ever back to the same endpoint');
    t.deepEqual(Object.fromEntries(location.searchParams), params);
  });

  test(`http issuer: RP-initiated logout by POST reaches the confirmation and ends the session [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT], post_logout_redirect_uris: [AFTER_LOGOUT] });
    const rp = await rpFor(w, c);
    const { tokens, browser } = await signInAndRedeem(w, rp, c, user);

    const posted = await browser.post(`${w.url}/session/end`, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' });
    t.is(posted.status, 303);
    const page = await browser.follow(posted, `${w.url}/session/end`, w.url);
    t.is(page.response.status, 200);
    const form = formOf(await page.response.text(), /\/session\/end\/confirm/);
    const confirmed = await browser.post(new URL(form.action, w.issuer), { ...form.fields, logout: 'yes' });
    const back = new URL(confirmed.headers.get('location') ?? '');
    t.is(back.origin + back.pathname, AFTER_LOGOUT);
    t.is(back.searchParams.get('state'), 'bye');

    const silent = client.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: 'openid', prompt: 'none', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const answer = await browser.follow(await browser.get(silent), silent.href, w.url);
    t.is(answer.leftTo?.searchParams.get('error'), 'login_required', 'the session is gone');
  });

  test(`http issuer: a POST that is not a form, too large, or repeats a parameter is refused with a page [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });

    const json = await fetch(`${w.url}/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: c.client_id }) });
    t.is(json.status, 400);
    t.regex(json.headers.get('content-type') ?? '', /text\/html/);
    t.regex(await json.text(), /application\/x-www-form-urlencoded/);

    const huge = await fetch(`${w.url}/auth`, { method: 'POST', headers: FORM, body: new URLSearchParams({ client_id: c.client_id, request: 'x'.repeat(40_000) }) });
    t.is(huge.status, 400);
    t.regex(await huge.text(), /larger than 32 KiB/);

    const repeated = await fetch(`${w.url}/auth`, { method: 'POST', headers: FORM, body: `client_id=${c.client_id}&scope=openid&scope=email&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`, redirect: 'manual' });
    t.is(repeated.status, 303);
    const followed = await fetch(new URL(repeated.headers.get('location') ?? '', w.url), { redirect: 'manual' });
    // As in a GET: refused, and (client and redirect_uri being valid) told to the client.
    const refused = new URL(followed.headers.get('location') ?? '');
    t.is(refused.origin + refused.pathname, REDIRECT);
    t.is(refused.searchParams.get('error'), 'invalid_request');
    t.regex(refused.searchParams.get('error_description') ?? '', /scope/);
  });

  test(`http issuer: a refused oversized form leaves the keep-alive connection usable [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    // One socket, so the request after the refusal goes over the same connection whenever it stays open.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.teardown(() => agent.destroy());

    for (const endpoint of ['/auth', '/session/end']) {
      for (const body of ['a=' + 'x'.repeat(900 * 1024), Array.from({ length: 5000 }, (_, i) => `p${i}=${i}`).join('&')]) {
        const refused = await send(agent, `${w.url}${endpoint}`, { method: 'POST', headers: FORM, body });
        t.is(refused.status, 400, `${endpoint}, ${body.length} bytes`);
        t.regex(refused.body, /larger than 32 KiB/);
        t.is(refused.headers.connection, 'keep-alive', 'a body within the app limit is read to its end');
        const next = await send(agent, `${w.url}/healthz`);
        t.is(next.status, 200, `the request after ${endpoint}'s refusal is answered`);
      }
    }

    // A chunked body with no length is read only up to a bound; past it the refusal closes the connection.
    const unbounded = await send(agent, `${w.url}/auth`, { method: 'POST', headers: { ...FORM, 'transfer-encoding': 'chunked' }, body: 'a=' + 'x'.repeat(3 * 1024 * 1024) });
    t.is(unbounded.status, 400);
    t.is(unbounded.headers.connection, 'close');
    t.is((await send(agent, `${w.url}/healthz`)).status, 200);
  });
}
