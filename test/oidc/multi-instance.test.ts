// Two Warden instances on one PostgreSQL database, as behind a load balancer: same issuer, shared
// keys, sessions, codes and tokens.
import test from 'ava';
import { decodeProtectedHeader } from 'jose';
import { startWarden, type StartedWarden } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';
import { signIn } from './_browser.ts';
import { rotateKeys } from '../../src/oidc/keys.ts';
import { DEFAULT_KEY_POLICY } from '../../src/oidc/key-policy.ts';

const REDIRECT = 'https://rp.example.test/cb';

/** Sends this relying party's back-channel requests to another instance (same issuer). */
function via(rp: client.Configuration, from: StartedWarden, to: StartedWarden): client.Configuration {
  rp[client.customFetch] = (url, options) => fetch(url.replace(from.url, to.url), options);
  return rp;
}

test('authorize on one instance, redeem and refresh on the other, and back [postgresql]', async (t) => {
  const policy = { ...DEFAULT_KEY_POLICY, propagationDelaySeconds: 0 };
  const a = await startWarden({ kind: 'postgresql', keyPolicy: policy });
  const b = await startWarden({ kind: 'postgresql', shareWith: a, keyPolicy: policy });
  t.teardown(async () => {
    await b.stop();
    await a.stop();
  });
  t.is(b.issuer, a.issuer);
  const user = await a.createAccount();
  const c = await a.createClient({ redirect_uris: [REDIRECT] });

  const rpA = await rpFor(a, c);
  const login = await signIn(a, rpA, c, user, { scope: 'openid email offline_access', params: { prompt: 'consent' } });

  const rpB = via(await rpFor(a, c), a, b);
  const tokens = await client.authorizationCodeGrant(rpB, login.callback, {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
  });
  t.is(tokens.claims()?.sub, user.id);
  const info = await client.fetchUserInfo(rpB, tokens.access_token, user.id);
  t.is(info.email, user.email);

  const refreshedOnB = await client.refreshTokenGrant(rpB, tokens.refresh_token ?? '');
  const refreshedOnA = await client.refreshTokenGrant(rpA, refreshedOnB.refresh_token ?? '');
  t.truthy(refreshedOnA.access_token);
  t.true((await client.tokenIntrospection(rpB, refreshedOnA.access_token)).active);

  // A rotation made through one instance reaches the other at its next reload.
  const [rotated] = await rotateKeys(a.db, a.config.secretKey, { policy, algs: ['ES256'] });
  await a.warden.host.reload();
  await b.warden.host.reload();
  const jwksB = (await (await fetch(`${b.url}/jwks`)).json()) as { keys: Array<{ kid: string }> };
  t.true(jwksB.keys.some((k) => k.kid === rotated?.kid));
  const fromB = await client.refreshTokenGrant(rpB, refreshedOnA.refresh_token ?? '');
  t.is(decodeProtectedHeader(fromB.id_token ?? '').kid, rotated?.kid);
});
