import test from 'ava';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { httpsHeaders, startWarden } from '../helpers/server.ts';
import { client, rpFor, postForm, basicAuth } from './_rp.ts';
import { signIn, signInAndRedeem } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';

/** Verifies an ID token against the JWKS Warden publishes, as an RP would; returns its header's alg. */
async function verifiedAlg(issuer: string, clientId: string, idToken: string | undefined): Promise<string> {
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet;
  const { protectedHeader } = await jwtVerify(idToken ?? '', createLocalJWKSet(jwks), { issuer, audience: clientId });
  return protectedHeader.alg;
}

for (const kind of storeKinds) {
  test(`code + PKCE through the login and consent pages: tokens, iss in the response, userinfo, claims parameter [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount({ name: 'Grace Hopper', groups: ['navy'] });
    const c = await w.createClient({ redirect_uris: [REDIRECT], client_name: 'Test RP' });
    const rp = await rpFor(w, c);

    const { tokens, callback } = await signInAndRedeem(w, rp, c, user, {
      scope: 'openid email groups',
      params: { claims: JSON.stringify({ id_token: { name: null } }) },
    });
    t.is(callback.searchParams.get('iss'), w.issuer, 'RFC 9207');
    const idToken = tokens.claims();
    t.is(idToken?.sub, user.id);
    t.is(idToken?.name, 'Grace Hopper', 'claims parameter honoured');
    t.is(await verifiedAlg(w.issuer, c.client_id, tokens.id_token), 'ES256', 'signed by a published key');

    const info = await client.fetchUserInfo(rp, tokens.access_token, user.id);
    t.is(info.email, user.email);
    t.deepEqual(info.groups, ['navy']);
  });

  test(`clients registered for RS256 or EdDSA get ID tokens signed so, by published keys [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    for (const alg of ['RS256', 'EdDSA'] as const) {
      const c = await w.createClient({ redirect_uris: [REDIRECT], id_token_signed_response_alg: alg });
      const rp = await rpFor(w, c);
      const { tokens } = await signInAndRedeem(w, rp, c, user);
      t.is(await verifiedAlg(w.issuer, c.client_id, tokens.id_token), alg);
    }
  });

  test(`a code is single use: the second redemption fails and revokes what the first one issued [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { callback, codeVerifier, tokens } = await signInAndRedeem(w, rp, c, user);

    const again = await postForm(
      `${w.issuer}/token`,
      { grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: REDIRECT, code_verifier: codeVerifier },
      basicAuth(c),
    );
    t.is(again.status, 400);
    t.is(((await again.json()) as { error: string }).error, 'invalid_grant');
    t.false((await client.tokenIntrospection(rp, tokens.access_token)).active, 'tokens from the reused code are revoked');
  });

  test(`PKCE is enforced at the token endpoint: no verifier or a wrong one fails [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);

    const first = await signIn(w, rp, c, user);
    const code = first.callback.searchParams.get('code') ?? '';
    const without = await postForm(`${w.issuer}/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, basicAuth(c));
    t.is(without.status, 400);

    const second = await signIn(w, rp, c, user, { browser: first.browser });
    const wrong = await postForm(
      `${w.issuer}/token`,
      { grant_type: 'authorization_code', code: second.callback.searchParams.get('code') ?? '', redirect_uri: REDIRECT, code_verifier: client.randomPKCECodeVerifier() },
      basicAuth(c),
    );
    t.is(wrong.status, 400);
    t.is(((await wrong.json()) as { error: string }).error, 'invalid_grant');
  });

  test(`refresh tokens rotate, and replaying a consumed one revokes the whole grant [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { tokens } = await signInAndRedeem(w, rp, c, user, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    const first = tokens.refresh_token;
    if (!first) return t.fail('no refresh token issued for offline_access');

    const rotated = await client.refreshTokenGrant(rp, first);
    t.truthy(rotated.refresh_token);
    t.not(rotated.refresh_token, first);
    t.true((await client.tokenIntrospection(rp, rotated.access_token)).active);

    const replay = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: first }, basicAuth(c));
    t.is(replay.status, 400);
    t.is(((await replay.json()) as { error: string }).error, 'invalid_grant');

    // The whole grant is gone: the rotated refresh token and the access tokens too.
    const afterReplay = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: rotated.refresh_token ?? '' }, basicAuth(c));
    t.is(afterReplay.status, 400);
    t.false((await client.tokenIntrospection(rp, rotated.access_token)).active);
    t.false((await client.tokenIntrospection(rp, tokens.access_token)).active);
  });

  test(`refresh tokens stay bound to their client; the risk seam can refuse a refresh [${kind}]`, async (t) => {
    let decision: 'allow' | 'deny' = 'allow';
    const w = await startWarden({ kind, wardenOptions: { assessRefresh: async () => ({ decision, reasons: ['token_from_new_country'] }) } });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const other = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { tokens } = await signInAndRedeem(w, rp, c, user, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    const refreshToken = tokens.refresh_token ?? '';

    const stolen = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, basicAuth(other));
    t.is(stolen.status, 400);
    t.is(((await stolen.json()) as { error: string }).error, 'invalid_grant');

    decision = 'deny';
    const denied = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, basicAuth(c));
    const body = (await denied.json()) as { error: string; error_description: string };
    t.is(body.error, 'invalid_grant');
    t.regex(body.error_description, /token_from_new_country/);

    decision = 'allow';
    const allowed = await client.refreshTokenGrant(rp, refreshToken);
    t.truthy(allowed.access_token, 'a refused refresh consumed nothing');
  });

  test(`prompt=none without a session answers login_required to the client [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      prompt: 'none',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    t.is(location.origin + location.pathname, REDIRECT);
    t.is(location.searchParams.get('error'), 'login_required');
  });

  test(`a second authorization in the same browser session reuses the session and the consent; prompt=login asks again [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const first = await signInAndRedeem(w, rp, c, user);
    t.deepEqual(first.pages, ['login', 'consent']);
    const second = await signInAndRedeem(w, rp, c, user, { browser: first.browser, params: { prompt: 'none' } });
    t.deepEqual(second.pages, []);
    t.is(decodeJwt(second.tokens.id_token ?? '').sub, user.id);
    const third = await signInAndRedeem(w, rp, c, user, { browser: first.browser, params: { prompt: 'login' } });
    t.deepEqual(third.pages, ['login']);
    const hinted = await signInAndRedeem(w, rp, c, user, { browser: first.browser, params: { id_token_hint: third.tokens.id_token ?? '', prompt: 'none' } });
    t.is(decodeJwt(hinted.tokens.id_token ?? '').sub, user.id);
  });

  test(`the authorization endpoint accepts POST (https issuers: the session cookie must be SameSite=None; Secure) [${kind}]`, async (t) => {
    const w = await startWarden({ kind, httpsIssuer: true });
    t.teardown(() => w.stop());
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const discovery = (await (await fetch(`${w.url}/.well-known/openid-configuration`, { headers: httpsHeaders })).json()) as { issuer: string };
    t.is(discovery.issuer, w.issuer);
    const response = await fetch(`${w.url}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...httpsHeaders },
      body: new URLSearchParams({
        client_id: c.client_id,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT,
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }),
      redirect: 'manual',
    });
    t.true([302, 303].includes(response.status));
    t.regex(response.headers.get('location') ?? '', /^\/interaction\//);
  });

  test(`a refresh cannot widen the scope [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { tokens } = await signInAndRedeem(w, rp, c, user, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    const wider = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', scope: 'openid email offline_access' }, basicAuth(c));
    t.is(wider.status, 400);
    t.is(((await wider.json()) as { error: string }).error, 'invalid_scope');
  });
}

for (const kind of storeKinds) {
  test(`warden:admin is only ever granted to admin accounts [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const admin = await w.createAccount({ isAdmin: true });
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);

    const asUser = await signInAndRedeem(w, rp, c, user, { scope: 'openid warden:admin' });
    t.false((asUser.tokens.scope ?? '').split(' ').includes('warden:admin'));
    t.false(String((await client.tokenIntrospection(rp, asUser.tokens.access_token)).scope).includes('warden:admin'));

    const asAdmin = await signInAndRedeem(w, rp, c, admin, { scope: 'openid warden:admin' });
    t.true((asAdmin.tokens.scope ?? '').split(' ').includes('warden:admin'));
  });
}
