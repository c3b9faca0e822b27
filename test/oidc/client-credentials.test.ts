import test from 'ava';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor, postForm, basicAuth } from './_rp.ts';

const API = 'https://api.example.test/orders';

for (const kind of storeKinds) {
  test(`client credentials: opaque token, introspection, revocation [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ grant_types: ['client_credentials'], scope: 'orders:read' });
    const rp = await rpFor(w, c);

    const tokens = await client.clientCredentialsGrant(rp, { scope: 'orders:read' });
    t.is(tokens.token_type.toLowerCase(), 'bearer');
    t.is(tokens.access_token.split('.').length, 1, 'opaque without a resource');

    const active = await client.tokenIntrospection(rp, tokens.access_token);
    t.true(active.active);
    t.is(active.client_id, c.client_id);

    await client.tokenRevocation(rp, tokens.access_token);
    const after = await client.tokenIntrospection(rp, tokens.access_token);
    t.false(after.active);
  });

  test(`client credentials for an allowed API: a JWT for that audience, signed with the active ES256 key [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ grant_types: ['client_credentials'], scope: 'orders:read orders:write', allowed_resources: [API] });
    const rp = await rpFor(w, c);

    const tokens = await client.clientCredentialsGrant(rp, { scope: 'orders:read', resource: API });
    const header = decodeProtectedHeader(tokens.access_token);
    t.is(header.typ, 'at+jwt');
    t.is(header.alg, 'ES256');
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${w.issuer}/jwks`)), {
      issuer: w.issuer,
      audience: API,
      typ: 'at+jwt',
    });
    t.is(payload.client_id, c.client_id);
    t.is(payload.scope, 'orders:read');
  });

  test(`client credentials: a resource not on the client's allow-list is invalid_target; a scope it lacks is invalid_scope [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const c = await w.createClient({ grant_types: ['client_credentials'], scope: 'orders:read', allowed_resources: [API] });

    const wrongApi = await postForm(`${w.issuer}/token`, { grant_type: 'client_credentials', resource: 'https://evil.example.test/' }, basicAuth(c));
    t.is(wrongApi.status, 400);
    t.is(((await wrongApi.json()) as { error: string }).error, 'invalid_target');

    const tooMuch = await postForm(`${w.issuer}/token`, { grant_type: 'client_credentials', scope: 'openid offline_access' }, basicAuth(c));
    t.is(tooMuch.status, 400);
    t.is(((await tooMuch.json()) as { error: string }).error, 'invalid_scope');
  });

  test(`introspection: a public client cannot see another client's token; JWTs are refused [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const service = await w.createClient({ grant_types: ['client_credentials'], scope: 'orders:read', allowed_resources: [API] });
    const spa = await w.createClient({ token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.example.test/cb'] });
    const tokens = await client.clientCredentialsGrant(await rpFor(w, service), { scope: 'orders:read' });

    const seen = await client.tokenIntrospection(await rpFor(w, spa), tokens.access_token);
    t.false(seen.active);

    const jwt = await client.clientCredentialsGrant(await rpFor(w, service), { scope: 'orders:read', resource: API });
    const response = await postForm(`${w.issuer}/token/introspection`, { token: jwt.access_token }, basicAuth(service));
    t.is(response.status, 400);
  });

  test(`revocation: another confidential client cannot revoke somebody else's token [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const owner = await w.createClient({ grant_types: ['client_credentials'] });
    const other = await w.createClient({ grant_types: ['client_credentials'] });
    const tokens = await client.clientCredentialsGrant(await rpFor(w, owner));

    const response = await postForm(`${w.issuer}/token/revocation`, { token: tokens.access_token }, basicAuth(other));
    t.is(response.status, 400);
    t.true((await client.tokenIntrospection(await rpFor(w, owner), tokens.access_token)).active);
  });
}
