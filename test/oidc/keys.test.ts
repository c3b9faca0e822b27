// The key store on its own: first start, racing instances, the settle rules.
import test from 'ava';
import { storeKinds, openTestStore } from '../helpers/store.ts';
import { listKeys, loadSigningKeys, settleKeys } from '../../src/oidc/keys.ts';
import { loadCookieKeys } from '../../src/oidc/cookie-keys.ts';
import { DEFAULT_KEY_POLICY } from '../../src/oidc/key-policy.ts';
import { generateSigningKey } from '../../src/oidc/key-material.ts';
import { seal } from '../../src/store/secret-box.ts';

for (const kind of storeKinds) {
  test(`first start creates one active key per alg; instances racing on an empty database converge [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const key = s.config.secretKey;
    const [a, b] = await Promise.all([loadSigningKeys(s.db, key), loadSigningKeys(s.db, key)]);
    t.is(a.jwks.keys.length >= 3, true);
    t.is(b.jwks.keys.length >= 3, true);
    // Whatever the race produced, one more settle leaves exactly one active key per alg.
    await settleKeys(s.db, key);
    const active = (await listKeys(s.db)).filter((k) => k.status === 'active');
    t.deepEqual(active.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);

    const cookies = await Promise.all([loadCookieKeys(s.db, key), loadCookieKeys(s.db, key)]);
    t.deepEqual(cookies[0], cookies[1], 'both instances sign cookies with the same key');
  });

  test(`settle: the newest active key wins, due published keys activate, expired retired keys go [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const key = s.config.secretKey;
    // The first-start keys activate a minute ago, so `due` below is newer however fast the test runs.
    await settleKeys(s.db, key, DEFAULT_KEY_POLICY, new Date(Date.now() - 60_000));
    const insert = async (status: string, activateAfter: Date, retireUntil: Date | null = null) => {
      const k = await generateSigningKey('ES256');
      await s.db.signingKey.create({
        data: {
          kid: k.kid,
          alg: 'ES256',
          status,
          publicJwk: k.publicJwk,
          privateJwk: seal(key, JSON.stringify(k.privateJwk), `warden:signing-key:${k.kid}`),
          activateAfter,
          ...(retireUntil ? { retiredAt: new Date(), retireUntil } : {}),
        },
      });
      return k.kid;
    };
    const due = await insert('published', new Date(Date.now() - 1000));
    const future = await insert('published', new Date(Date.now() + 3_600_000));
    const expired = await insert('retired', new Date(Date.now() - 7_200_000), new Date(Date.now() - 1000));

    const loaded = await loadSigningKeys(s.db, key, DEFAULT_KEY_POLICY);
    const byKid = new Map((await listKeys(s.db)).map((k) => [k.kid, k]));
    t.is(byKid.get(due)?.status, 'active');
    t.is(byKid.get(future)?.status, 'published');
    t.false(byKid.has(expired));
    t.is([...byKid.values()].filter((k) => k.alg === 'ES256' && k.status === 'active').length, 1);
    // The signing key comes first among the ES256 keys handed to the provider.
    t.is(loaded.jwks.keys.find((k) => k.alg === 'ES256')?.kid, due);
    t.is(loaded.nextTransitionAt?.getTime(), byKid.get(future)?.activateAfter.getTime());
  });
}
