// security.md, "OAuth / OIDC as the provider": the refusals that need no signed-in user.
import test from 'ava';
import { SignJWT, generateKeyPair, exportJWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { storeKinds } from '../helpers/store.ts';
import { startWarden, type StartedWarden, type TestClient } from '../helpers/server.ts';
import { postForm, basicAuth } from './_rp.ts';

const REDIRECT = 'https://rp.example.test/cb';
const NATIVE_REDIRECT = 'http://127.0.0.1/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function authorize(w: StartedWarden, c: TestClient, params: Record<string, string>): Promise<Response> {
  const url = new URL(`${w.issuer}/auth`);
  const all = {
    client_id: c.client_id,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'st',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== '') url.searchParams.set(k, v);
  return fetch(url, { redirect: 'manual' });
}

/** The error comes back to the (registered) redirect_uri, in the query or (token responses) the fragment. */
function redirectedError(response: Response): URLSearchParams {
  const location = new URL(response.headers.get('location') ?? '');
  return location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
}

const REDIRECT_VARIANTS = [
  'https://rp.example.test/cb/',
  'https://RP.example.test/cb',
  'https://rp.example.test/CB',
  'https://rp.example.test/cb?extra=1',
  'https://rp.example.test/cb#frag',
  'https://attacker@rp.example.test/cb',
  'https://rp.example.test%2F@evil.example/cb',
  'https://rp.example.test/cb/../cb',
  'https://rp.example.test/%63b',
  'https://rp.example.test:8443/cb',
  'http://rp.example.test/cb',
  'https://evil.example/cb',
  'https://rp.example.test.evil.example/cb',
];

for (const kind of storeKinds) {
  test(`every redirect_uri that is not exactly the registered one gets an error page, never a redirect [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    for (const variant of REDIRECT_VARIANTS) {
      const response = await authorize(w, c, { redirect_uri: variant });
      t.is(response.status, 400, variant);
      t.is(response.headers.get('location'), null, variant);
      t.regex(response.headers.get('content-type') ?? '', /html/, variant);
      t.is(response.headers.get('access-control-allow-origin'), null, 'no CORS on the authorization endpoint');
      t.regex(await response.text(), /redirect_uri/, variant);
    }
    const unknownClient = await authorize(w, { client_id: 'nobody', metadata: { client_id: 'nobody' } }, {});
    t.is(unknownClient.status, 400);
    t.is(unknownClient.headers.get('location'), null);
    const exact = await authorize(w, c, {});
    t.true([302, 303].includes(exact.status), 'the exact URI proceeds to the login interaction');
  });

  test(`native clients: any port on the loopback address, nothing else fuzzy [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: [NATIVE_REDIRECT] });
    const anyPort = await authorize(w, c, { redirect_uri: 'http://127.0.0.1:51234/callback' });
    t.true([302, 303].includes(anyPort.status));
    t.regex(anyPort.headers.get('location') ?? '', /^\/interaction\//);
    for (const variant of ['http://127.0.0.1:51234/other', 'http://localhost.evil.example:51234/callback', 'http://127.0.0.2:51234/callback']) {
      const response = await authorize(w, c, { redirect_uri: variant });
      t.is(response.status, 400, variant);
      t.is(response.headers.get('location'), null, variant);
    }
  });

  test(`no implicit, no hybrid, no PKCE downgrade: errors go back to the registered redirect_uri [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });

    for (const responseType of ['token', 'id_token', 'code token', 'code id_token']) {
      const response = await authorize(w, c, { response_type: responseType });
      const error = redirectedError(response);
      t.is(error.get('error'), 'unsupported_response_type', responseType);
      t.is(error.get('iss'), w.issuer, 'RFC 9207 iss on error responses too');
    }

    const missingPkce = redirectedError(await authorize(w, c, { code_challenge: '', code_challenge_method: '' }));
    t.is(missingPkce.get('error'), 'invalid_request');
    t.regex(missingPkce.get('error_description') ?? '', /PKCE/);

    const plain = redirectedError(await authorize(w, c, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
    t.is(plain.get('error'), 'invalid_request');

    const noneRequestObject = await new SignJWT({ client_id: c.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' })
      .setProtectedHeader({ alg: 'none' } as never)
      .sign(new Uint8Array(32))
      .catch(() => 'eyJhbGciOiJub25lIn0.' + Buffer.from(JSON.stringify({ client_id: c.client_id, response_type: 'code' })).toString('base64url') + '.');
    const unsigned = redirectedError(await authorize(w, c, { request: noneRequestObject }));
    t.truthy(unsigned.get('error'), 'an unsigned request object is refused');
  });

  test(`the token endpoint refuses the password grant and implicit, and unknown grants [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    for (const grantType of ['password', 'implicit', 'urn:example:unknown']) {
      const response = await postForm(`${w.issuer}/token`, { grant_type: grantType, username: 'a', password: 'b' }, basicAuth(c));
      t.is(response.status, 400, grantType);
      t.is(((await response.json()) as { error: string }).error, 'unsupported_grant_type', grantType);
    }
  });

  test(`private_key_jwt: only the issuer as audience, and each jti once [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'k1' };
    const c = await w.createClient({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [jwk] },
    });
    const assertion = (aud: string | string[], jti = randomUUID()) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(c.client_id)
        .setSubject(c.client_id)
        .setAudience(aud)
        .setJti(jti)
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(privateKey);
    const call = async (jwt: string) => {
      const response = await postForm(`${w.issuer}/token`, {
        grant_type: 'client_credentials',
        client_id: c.client_id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: jwt,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const good = await assertion(w.issuer);
    t.is((await call(good)).status, 200);
    const replay = await call(good);
    t.is(replay.status, 401);
    t.is(replay.body.error, 'invalid_client');

    for (const aud of [`${w.issuer}/token`, [w.issuer, 'https://other.example.test'], 'https://other.example.test']) {
      const refused = await call(await assertion(aud));
      t.is(refused.status, 401, JSON.stringify(aud));
      t.is(refused.body.error, 'invalid_client');
    }
  });

  test(`RP-initiated logout: an unregistered post_logout_redirect_uri is refused, not followed [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT], post_logout_redirect_uris: ['https://rp.example.test/bye'] });
    const url = new URL(`${w.issuer}/session/end`);
    url.searchParams.set('client_id', c.client_id);
    url.searchParams.set('post_logout_redirect_uri', 'https://evil.example/bye');
    const response = await fetch(url, { redirect: 'manual' });
    t.is(response.status, 400);
    t.is(response.headers.get('location'), null);
  });

  test(`oversized and malformed requests get a 4xx, never a 500 [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const big = await fetch(`${w.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a='.padEnd(2 * 1024 * 1024, 'x'),
    });
    t.is(big.status, 413);
    const badJson = await fetch(`${w.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris": [' });
    t.true(badJson.status >= 400 && badJson.status < 500);
    const badJwt = await fetch(`${w.issuer}/me`, { headers: { authorization: 'Bearer a.b.c' } });
    t.true(badJwt.status >= 400 && badJwt.status < 500);
    t.false((await badJwt.text()).includes(' at '), 'no stack trace');
  });
}

for (const kind of storeKinds) {
  test(`CORS only from a client's own redirect origin, only where browsers call, never on the authorization endpoint [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const spa = await w.createClient({ token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.example.test/cb'] });
    const web = await w.createClient({ redirect_uris: ['https://web.example.test/cb'] });
    const token = (origin: string, c: TestClient) =>
      fetch(`${w.issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...(c.client_secret ? basicAuth(c) : {}) },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: c.client_id }),
      });
    t.is((await token('https://spa.example.test', spa)).headers.get('access-control-allow-origin'), 'https://spa.example.test');
    t.is((await token('https://evil.example', spa)).headers.get('access-control-allow-origin'), null);
    t.is((await token('https://web.example.test', web)).headers.get('access-control-allow-origin'), null, 'confidential clients are not browsers');
    const auth = await fetch(`${w.issuer}/auth?client_id=${spa.client_id}`, { headers: { origin: 'https://spa.example.test' }, redirect: 'manual' });
    t.is(auth.headers.get('access-control-allow-origin'), null);
  });
}
