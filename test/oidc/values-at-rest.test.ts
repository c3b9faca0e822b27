import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';
import { signInAndRedeem } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';

for (const kind of storeKinds) {
  test(`no client secret, token, code or session cookie a client or browser holds is stored in the database [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { tokens, browser, callback } = await signInAndRedeem(w, rp, c, user, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    const rotated = await client.refreshTokenGrant(rp, tokens.refresh_token ?? '');
    // The stored digests still serve every lookup: the rotated tokens work.
    const userinfo = await client.fetchUserInfo(rp, rotated.access_token, client.skipSubjectCheck);
    t.is(userinfo.sub, user.id);

    const session = browser.cookies.get('_session');
    const code = callback.searchParams.get('code');
    const held = { clientSecret: c.client_secret, session, code, access: tokens.access_token, refresh: tokens.refresh_token, rotatedAccess: rotated.access_token, rotatedRefresh: rotated.refresh_token };
    for (const [name, value] of Object.entries(held)) t.true(typeof value === 'string' && value.length >= 20, `${name} was issued`);

    const stored = JSON.stringify([
      await w.db.oidcPayload.findMany(),
      await w.db.riskEvent.findMany(),
      await w.db.auditEvent.findMany(),
    ]);
    for (const [name, value] of Object.entries(held)) t.false(stored.includes(value ?? ''), `${name} is not stored`);
  });
}
