import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { startWarden, type StartedWarden } from '../helpers/server.ts';
import { issueUserAccessToken } from './_tokens.ts';

async function register(w: StartedWarden, metadata: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${w.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const GOOD = { redirect_uris: ['https://rp.example.test/cb'], client_name: 'Test RP' };

for (const kind of storeKinds) {
  test(`dynamic registration (RFC 7591) and management (RFC 7592): create, read, update with a rotated token, delete [${kind}]`, async (t) => {
    const w = await startWarden({ kind, env: { WARDEN_REGISTRATION: 'open' } });
    t.teardown(() => w.stop());

    const created = await register(w, GOOD);
    t.is(created.status, 201);
    const clientId = String(created.body.client_id);
    const rat = String(created.body.registration_access_token);
    const location = String(created.body.registration_client_uri);
    t.truthy(created.body.client_secret);
    t.is(location, `${w.issuer}/reg/${clientId}`);

    const read = await fetch(location, { headers: { authorization: `Bearer ${rat}` } });
    t.is(read.status, 200);
    t.is(((await read.json()) as { client_name: string }).client_name, 'Test RP');

    const unauthenticated = await fetch(location);
    t.is(unauthenticated.status, 401);

    const updated = await fetch(location, {
      method: 'PUT',
      headers: { authorization: `Bearer ${rat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...created.body, client_name: 'Renamed RP', registration_access_token: undefined, registration_client_uri: undefined, client_secret_expires_at: undefined, client_id_issued_at: undefined }),
    });
    t.is(updated.status, 200);
    const updatedBody = (await updated.json()) as { client_name: string; registration_access_token: string };
    t.is(updatedBody.client_name, 'Renamed RP');
    t.not(updatedBody.registration_access_token, rat, 'the registration access token rotates');

    const withOldToken = await fetch(location, { headers: { authorization: `Bearer ${rat}` } });
    t.is(withOldToken.status, 401);

    const deleted = await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${updatedBody.registration_access_token}` } });
    t.is(deleted.status, 204);
    t.is(await w.warden.provider.Client.find(clientId), undefined);
  });

  test(`tokens of a client deleted through RFC 7592 introspect as inactive [${kind}]`, async (t) => {
    const w = await startWarden({ kind, env: { WARDEN_REGISTRATION: 'open' } });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const resourceServer = await w.createClient({ grant_types: ['client_credentials'] });
    const created = await register(w, { ...GOOD, grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
    const clientId = String(created.body.client_id);
    const secret = String(created.body.client_secret);
    const basic = (id: string, pw: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(pw)}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const cc = await fetch(`${w.issuer}/token`, { method: 'POST', headers: { ...form, authorization: basic(clientId, secret) }, body: 'grant_type=client_credentials' });
    const machineToken = ((await cc.json()) as { access_token: string }).access_token;
    const { token: userToken } = await issueUserAccessToken(w, clientId, user.id, 'openid');
    const introspect = async (token: string) => {
      const answer = await fetch(`${w.issuer}/token/introspection`, {
        method: 'POST', headers: { ...form, authorization: basic(resourceServer.client_id, resourceServer.client_secret ?? '') }, body: new URLSearchParams({ token }),
      });
      return { status: answer.status, body: (await answer.json()) as { active?: boolean } };
    };
    t.like(await introspect(machineToken), { status: 200, body: { active: true } });
    t.like(await introspect(userToken), { status: 200, body: { active: true } });

    const deleted = await fetch(String(created.body.registration_client_uri), { method: 'DELETE', headers: { authorization: `Bearer ${String(created.body.registration_access_token)}` } });
    t.is(deleted.status, 204);
    t.deepEqual(await introspect(machineToken), { status: 200, body: { active: false } });
    t.deepEqual(await introspect(userToken), { status: 200, body: { active: false } });
  });

  test(`dynamic registration refuses bad metadata and never lets a client grant itself Warden's admin-only metadata [${kind}]`, async (t) => {
    const w = await startWarden({ kind, env: { WARDEN_REGISTRATION: 'open' } });
    t.teardown(() => w.stop());

    const fragment = await register(w, { redirect_uris: ['https://rp.example.test/cb#frag'] });
    t.is(fragment.status, 400);
    t.is(fragment.body.error, 'invalid_redirect_uri');

    const insecureSector = await register(w, { ...GOOD, sector_identifier_uri: 'http://rp.example.test/sector.json' });
    t.is(insecureSector.status, 400);
    t.is(insecureSector.body.error, 'invalid_client_metadata');

    const unreachableSector = await register(w, { ...GOOD, sector_identifier_uri: 'https://127.0.0.1:1/sector.json' });
    t.is(unreachableSector.status, 400);
    t.is(unreachableSector.body.error, 'invalid_client_metadata');

    for (const key of ['token_exchange_from', 'allowed_resources']) {
      const sneaky = await register(w, { ...GOOD, [key]: ['anything'] });
      t.is(sneaky.status, 400, key);
      t.is(sneaky.body.error, 'invalid_client_metadata', key);
    }

    // The admin API's scope, asked for at registration or added by an update.
    const admin = await register(w, { ...GOOD, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'openid warden:admin' });
    t.is(admin.status, 400);
    t.is(admin.body.error, 'invalid_client_metadata');
    const plain = await register(w, GOOD);
    const promoted = await fetch(String(plain.body.registration_client_uri), {
      method: 'PUT',
      headers: { authorization: `Bearer ${String(plain.body.registration_access_token)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: plain.body.client_id, client_secret: plain.body.client_secret, redirect_uris: GOOD.redirect_uris, scope: 'openid warden:admin' }),
    });
    t.is(promoted.status, 400);
    t.is(((await promoted.json()) as { error?: string }).error, 'invalid_client_metadata');

    const implicit = await register(w, { ...GOOD, response_types: ['token'], grant_types: ['implicit'] });
    t.is(implicit.status, 400);

    const password = await register(w, { ...GOOD, grant_types: ['password'] });
    t.is(password.status, 400);

    const noneAlg = await register(w, { ...GOOD, id_token_signed_response_alg: 'none' });
    t.is(noneAlg.status, 400);
    const noneRequest = await register(w, { ...GOOD, request_object_signing_alg: 'none' });
    t.is(noneRequest.status, 400);
  });

  test(`dynamic registration refuses redirect and logout URIs with control characters, on create and update [${kind}]`, async (t) => {
    const w = await startWarden({ kind, env: { WARDEN_REGISTRATION: 'open' } });
    t.teardown(() => w.stop());
    const before = await w.db.oidcPayload.count({ where: { model: 'Client' } });

    const tainted = ['https://a.example/\u0000cb', 'https://a.example/cb\r\nSet-Cookie: x=1', 'https://a.example/\u0001cb', 'https://a.example/cb\u007f', '\thttps://a.example/cb'];
    for (const uri of tainted) {
      const redirect = await register(w, { redirect_uris: [uri] });
      t.is(redirect.status, 400, JSON.stringify(uri));
      t.is(redirect.body.error, 'invalid_redirect_uri', JSON.stringify(uri));
      t.regex(String(redirect.body.error_description), /control characters/);

      const logout = await register(w, { ...GOOD, post_logout_redirect_uris: [uri] });
      t.is(logout.status, 400, JSON.stringify(uri));
      t.is(logout.body.error, 'invalid_client_metadata', JSON.stringify(uri));
      t.regex(String(logout.body.error_description), /post_logout_redirect_uris/);
    }
    t.is(await w.db.oidcPayload.count({ where: { model: 'Client' } }), before, 'nothing was registered');

    const created = await register(w, GOOD);
    t.is(created.status, 201);
    const updated = await fetch(String(created.body.registration_client_uri), {
      method: 'PUT',
      headers: { authorization: `Bearer ${String(created.body.registration_access_token)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: created.body.client_id, client_secret: created.body.client_secret, redirect_uris: ['https://a.example/cb\r\nLocation: https://evil.example'] }),
    });
    t.is(updated.status, 400);
    t.is(((await updated.json()) as { error: string }).error, 'invalid_redirect_uri');
  });

  test(`registration gated by initial access tokens [${kind}]`, async (t) => {
    const w = await startWarden({ kind, env: { WARDEN_REGISTRATION: 'initial_access_token' } });
    t.teardown(() => w.stop());

    const anonymous = await register(w, GOOD);
    t.is(anonymous.status, 401);
    t.is(anonymous.body.error, 'invalid_token');

    const iat = await new w.warden.provider.InitialAccessToken({}).save();
    const gated = await register(w, GOOD, { authorization: `Bearer ${iat}` });
    t.is(gated.status, 201);
  });
}
