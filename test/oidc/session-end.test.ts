import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { rpFor, postForm, basicAuth } from './_rp.ts';
import { signInAndRedeem } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';

for (const kind of storeKinds) {
  test(`a password change or a disabled account ends refresh tokens issued before it [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);

    const changed = await w.createAccount();
    const before = await signInAndRedeem(w, rp, c, changed, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    // Session epochs count in whole seconds: the change must fall in a later second than the login.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await w.warden.accounts.changePassword(changed.id, 'an entirely different passphrase here', { actor: 'test' });
    const afterChange = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: before.tokens.refresh_token ?? '' }, basicAuth(c));
    t.is(afterChange.status, 400);
    t.is(((await afterChange.json()) as { error: string }).error, 'invalid_grant');

    const disabled = await w.createAccount();
    const other = await signInAndRedeem(w, rp, c, disabled, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    await w.warden.accounts.disable(disabled.id, { actor: 'test' });
    const afterDisable = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: other.tokens.refresh_token ?? '' }, basicAuth(c));
    t.is(afterDisable.status, 400);
    t.is(((await afterDisable.json()) as { error: string }).error, 'invalid_grant');
  });
}
