import test from 'ava';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor, postForm, basicAuth } from './_rp.ts';
import { issueUserAccessToken } from './_tokens.ts';

const REDIRECT = 'https://rp.example.test/cb';

for (const kind of storeKinds) {
  test(`userinfo by GET and POST with a bearer token; released claims follow the scope [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount({ name: 'Ada Lovelace', groups: ['eng'] });
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const { token } = await issueUserAccessToken(w, c.client_id, user.id, 'openid email groups');

    const viaClient = await client.fetchUserInfo(await rpFor(w, c), token, user.id);
    t.is(viaClient.email, user.email);
    t.deepEqual(viaClient.groups, ['eng']);
    t.is(viaClient.name, undefined, 'profile was not granted');

    const viaPost = await fetch(`${w.issuer}/me`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: token }),
    });
    t.is(viaPost.status, 200);
    t.is(((await viaPost.json()) as { sub: string }).sub, user.id);

    const inQuery = await fetch(`${w.issuer}/me?access_token=${token}`);
    t.is(inQuery.status, 400, 'tokens in the query string are refused');

    const bogus = await fetch(`${w.issuer}/me`, { headers: { authorization: 'Bearer nope' } });
    t.is(bogus.status, 401);
  });

  test(`DPoP: client credentials bound to a key; the token is useless without a proof of that key [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ grant_types: ['client_credentials', 'authorization_code'], redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(rp, keyPair);

    const tokens = await client.clientCredentialsGrant(rp, {}, { DPoP });
    t.is(tokens.token_type.toLowerCase(), 'dpop');
    const info = await client.tokenIntrospection(rp, tokens.access_token);
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    t.deepEqual(info.cnf, { jkt });

    // A user token bound to the same key: userinfo needs the DPoP proof, a bare bearer use fails.
    const { token } = await issueUserAccessToken(w, c.client_id, user.id, 'openid email', undefined, { dpopJkt: jkt });
    const claims = await client.fetchUserInfo(rp, token, user.id, { DPoP });
    t.is(claims.email, user.email);
    const asBearer = await fetch(`${w.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
    t.is(asBearer.status, 401);
  });

  test(`PAR: a pushed request yields a request_uri the authorization endpoint accepts [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const verifier = client.randomPKCECodeVerifier();
    const url = await client.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    t.truthy(url.searchParams.get('request_uri'));
    const response = await fetch(url, { redirect: 'manual' });
    t.true([302, 303].includes(response.status));
    t.regex(response.headers.get('location') ?? '', /^\/interaction\//);

    // Pushed requests get the same checks: no PKCE, no request.
    const noPkce = await postForm(`${w.issuer}/request`, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' }, basicAuth(c));
    t.is(noPkce.status, 400);
    t.is(((await noPkce.json()) as { error: string }).error, 'invalid_request');
    const badRedirect = await postForm(
      `${w.issuer}/request`,
      { response_type: 'code', redirect_uri: `${REDIRECT}/other`, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' },
      basicAuth(c),
    );
    t.is(badRedirect.status, 400);
  });
}
