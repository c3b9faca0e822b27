// A NUL character or an unpaired surrogate in request input: PostgreSQL cannot store either (SQLite
// could), so Warden refuses them on both stores with a 4xx, never the database's error as a 500.
import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { BrowserSession } from '../interactions/browser-session.ts';
import { openLoginPage, relyingParty, submitLogin } from '../interactions/relying-party.ts';
import { basicAuth, postForm } from './_rp.ts';
import { assertStorableJson, isStorableText } from '../../src/store/storable-text.ts';

test('storable text: no NUL, no unpaired surrogate; JSON escapes of either are caught, escaped backslashes are not', (t) => {
  t.true(isStorableText('plain \u00e9 \ud83d\ude00'));
  t.false(isStorableText('a\u0000b'));
  t.false(isStorableText('\ud800'));
  t.false(isStorableText('x\udc00'));
  t.throws(() => assertStorableJson(JSON.stringify({ a: 'x\u0000' })));
  t.throws(() => assertStorableJson(JSON.stringify({ a: ['\ud83d'] })));
  t.notThrows(() => assertStorableJson(JSON.stringify({ a: 'a backslash then u0000: \\u0000', b: '\ud83d\ude00' })));
});

for (const kind of storeKinds) {
  test(`NUL characters and unpaired surrogates in requests get 4xx answers, never a 500 [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const rp = await relyingParty(w);
    const user = await w.createAccount();

    // The authorization endpoint: the error goes back to the client, as for any invalid request.
    const { url } = await rp.authorizationUrl({ state: 's\u0000', nonce: 'n' });
    const authorize = await fetch(url, { redirect: 'manual' });
    t.true([302, 303].includes(authorize.status), String(authorize.status));
    t.is(new URL(authorize.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');

    // Dynamic registration.
    for (const name of ['a\u0000b', '\ud800']) {
      const registered = await fetch(`${w.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['https://rp.example.test/cb'], client_name: name }),
      });
      t.is(registered.status, 400, JSON.stringify(name));
    }

    // Introspection and revocation of a "token" with a NUL.
    for (const endpoint of ['token/introspection', 'token/revocation']) {
      const answer = await postForm(`${w.issuer}/${endpoint}`, { token: '\u0000' }, basicAuth(rp.client));
      t.is(answer.status, 400, endpoint);
      t.is(((await answer.json()) as { error?: string }).error, 'invalid_request', endpoint);
    }

    // The sign-in page: answered like wrong credentials, and the real user still signs in.
    const browser = new BrowserSession(w.url);
    const { url: loginUrl } = await rp.authorizationUrl();
    const page = await openLoginPage(browser, loginUrl);
    const refused = await submitLogin(browser, page, `${user.email.slice(0, 3)}\u0000${user.email.slice(3)}`, user.password);
    t.is(refused.status, 303);
    const again = await browser.follow(refused);
    t.is(again.status, 200);
    t.regex(again.body, /not right/);
    const accepted = await submitLogin(browser, again, user.email, user.password);
    t.is(accepted.status, 303);
    t.false((accepted.location ?? '').includes('error'));

  });
}
