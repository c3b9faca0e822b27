import test from 'ava';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden, type StartedWarden, type TestClient } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';
import { signInAndRedeem } from './_browser.ts';
import { listKeys, rotateKeys } from '../../src/oidc/keys.ts';
import { DEFAULT_KEY_POLICY, type KeyPolicy } from '../../src/oidc/key-policy.ts';

const API = 'https://api.example.test/';
const REDIRECT = 'https://rp.example.test/cb';

async function jwks(w: StartedWarden): Promise<JSONWebKeySet> {
  return (await (await fetch(`${w.url}/jwks`)).json()) as JSONWebKeySet;
}

async function apiToken(w: StartedWarden, c: TestClient): Promise<string> {
  const rp = await rpFor(w, c);
  return (await client.clientCredentialsGrant(rp, { resource: API, scope: 'api:read' })).access_token;
}

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;

for (const kind of storeKinds) {
  test(`rotation: the new key is published before it signs; old tokens stay verifiable; new tokens carry the new kid [${kind}]`, async (t) => {
    const policy: KeyPolicy = { ...DEFAULT_KEY_POLICY, propagationDelaySeconds: 2 };
    const w = await startWarden({ kind, keyPolicy: policy });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const service = await w.createClient({ grant_types: ['client_credentials'], scope: 'api:read', allowed_resources: [API] });
    const rpClient = await w.createClient({ redirect_uris: [REDIRECT] });

    const before = await apiToken(w, service);
    const beforeId = (await signInAndRedeem(w, await rpFor(w, rpClient), rpClient, user)).tokens.id_token ?? '';
    const oldKid = kidOf(before);
    t.is(kidOf(beforeId), oldKid, 'ID tokens and API tokens share the ES256 key');

    const [rotated] = await rotateKeys(w.db, w.config.secretKey, { policy, algs: ['ES256'], actor: 'test' });
    if (!rotated) return t.fail('no key created');
    t.is(rotated.status, 'published');
    await w.warden.host.reload();

    // Published, not yet signing.
    t.true((await jwks(w)).keys.some((k) => k.kid === rotated.kid), 'the new key is in the JWKS first');
    t.is(kidOf(await apiToken(w, service)), oldKid, 'and does not sign yet');

    // After the propagation delay it signs, and the old key stays published for old tokens.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    t.true(await w.warden.host.reload());
    const after = await apiToken(w, service);
    t.is(kidOf(after), rotated.kid);
    const published = createLocalJWKSet(await jwks(w));
    await t.notThrowsAsync(jwtVerify(before, published, { issuer: w.issuer, audience: API }));
    await t.notThrowsAsync(jwtVerify(beforeId, published, { issuer: w.issuer }));
    await t.notThrowsAsync(jwtVerify(after, published, { issuer: w.issuer, audience: API }));
    const newId = (await signInAndRedeem(w, await rpFor(w, rpClient), rpClient, user)).tokens.id_token ?? '';
    t.is(kidOf(newId), rotated.kid);

    const states = await listKeys(w.db);
    const old = states.find((k) => k.kid === oldKid);
    t.is(old?.status, 'retired');
    t.true((old?.retireUntil?.getTime() ?? 0) > Date.now() + 60 * 60 * 1000 - 5000, 'kept for the longest token lifetime');
    t.is(states.find((k) => k.kid === rotated.kid)?.status, 'active');

    // Once its tokens have expired the retired key leaves the JWKS.
    await w.db.signingKey.update({ where: { kid: oldKid ?? '' }, data: { retireUntil: new Date(Date.now() - 1000) } });
    await w.warden.host.reload();
    t.false((await jwks(w)).keys.some((k) => k.kid === oldKid));
  });

  test(`private keys are sealed at rest and never published [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const rows = await w.db.signingKey.findMany();
    t.is(rows.length, 3);
    for (const row of rows) {
      t.regex(row.privateJwk, /^wsb1\./);
      t.false(row.privateJwk.includes('"d"'));
    }
    const cookieKeys = await w.db.cookieKey.findMany();
    t.is(cookieKeys.length, 1);
    t.regex(cookieKeys[0]?.secret ?? '', /^wsb1\./);
  });
}
