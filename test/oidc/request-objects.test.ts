import test from 'ava';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';

const REDIRECT = 'https://rp.example.test/cb';

for (const kind of storeKinds) {
  test(`request objects (JAR): a signed one is accepted, one signed by another key is refused [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const c = await w.createClient({
      redirect_uris: [REDIRECT],
      request_object_signing_alg: 'ES256',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'rp-1' }] },
    });
    const rp = await rpFor(w, c);
    const params = {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'jar-state',
    };

    const url = await client.buildAuthorizationUrlWithJAR(rp, params, { key: privateKey, kid: 'rp-1' });
    t.truthy(url.searchParams.get('request'));
    const accepted = await fetch(url, { redirect: 'manual' });
    t.regex(accepted.headers.get('location') ?? '', /^\/interaction\//);

    const intruder = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...params, client_id: c.client_id, response_type: 'code' })
      .setProtectedHeader({ alg: 'ES256', kid: 'rp-1' })
      .setIssuer(c.client_id)
      .setAudience(w.issuer)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(intruder.privateKey);
    const refusedUrl = new URL(`${w.issuer}/auth`);
    refusedUrl.searchParams.set('client_id', c.client_id);
    refusedUrl.searchParams.set('request', forged);
    const refused = await fetch(refusedUrl, { redirect: 'manual' });
    // The redirect_uri inside an unverifiable request object cannot be trusted: an error page.
    t.is(refused.status, 400);
    t.is(refused.headers.get('location'), null);
    t.regex(await refused.text(), /invalid_request_object/);
  });
}
