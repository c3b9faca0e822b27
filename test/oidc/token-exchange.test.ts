import test from 'ava';
import { SignJWT, calculateJwkThumbprint, createRemoteJWKSet, exportJWK, jwtVerify } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden, type StartedWarden, type TestClient } from '../helpers/server.ts';
import { client, rpFor, postForm, basicAuth } from './_rp.ts';
import { issueUserAccessToken } from './_tokens.ts';
import { signInAndRedeem } from './_browser.ts';
import { verifyAudit } from '../../src/audit/index.ts';
import { MAX_DELEGATION_DEPTH } from '../../src/oidc/token-exchange/build-act.ts';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const API = 'https://api.example.test/ledger';
const BACKEND_API = 'https://backend.example.test/';

interface Setup {
  w: StartedWarden;
  frontend: TestClient;
  backend: TestClient;
  subjectToken: string;
  apiSubjectToken: string;
  accountId: string;
}

async function setup(kind: (typeof storeKinds)[number]): Promise<Setup> {
  const w = await startWarden({ kind });
  const user = await w.createAccount();
  const frontend = await w.createClient({
    redirect_uris: ['https://app.example.test/cb'],
    scope: 'openid profile email ledger:read',
    allowed_resources: [BACKEND_API],
  });
  const backend = await w.createClient({
    grant_types: [GRANT, 'client_credentials'],
    scope: 'openid profile email ledger:read ledger:write',
    token_exchange_from: [frontend.client_id],
    allowed_resources: [API],
  });
  const { token } = await issueUserAccessToken(w, frontend.client_id, user.id, 'openid profile email');
  // What the frontend would send to the backend's API: a JWT for that API.
  const apiToken = await issueUserAccessToken(w, frontend.client_id, user.id, 'ledger:read', BACKEND_API);
  return { w, frontend, backend, subjectToken: token, apiSubjectToken: apiToken.token, accountId: user.id };
}

async function exchange(w: StartedWarden, c: TestClient, form: Record<string, string>) {
  const response = await postForm(`${w.issuer}/token`, { grant_type: GRANT, ...form }, basicAuth(c));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

for (const kind of storeKinds) {
  test(`token exchange without actor: a down-scoped opaque token for the same user [${kind}]`, async (t) => {
    const { w, backend, subjectToken, accountId } = await setup(kind);
    t.teardown(() => w.stop());
    const rp = await rpFor(w, backend);
    const tokens = await client.genericGrantRequest(rp, GRANT, {
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN,
      scope: 'openid email',
    });
    t.is(tokens.issued_token_type, ACCESS_TOKEN);
    t.is(tokens.scope, 'openid email');
    const info = await client.tokenIntrospection(rp, tokens.access_token);
    t.true(info.active);
    t.is(info.sub, accountId);
    t.is(info.client_id, backend.client_id);
    t.is(info.act, undefined);
    const userinfo = await client.fetchUserInfo(rp, tokens.access_token, accountId);
    t.is(typeof userinfo.email, 'string');

    // Every exchange is in the audit log, and the chain still verifies.
    const audited = await w.db.auditEvent.findMany({ where: { kind: 'token.exchanged' } });
    t.is(audited.length, 1);
    t.is(audited[0]?.subject, accountId);
    t.is(audited[0]?.actor, backend.client_id);
    t.true((await verifyAudit(w.db)).ok);
  });

  test(`token exchange with actor and resource: a JWT for the API with an act claim, nested on a second hop [${kind}]`, async (t) => {
    const { w, backend, apiSubjectToken, accountId } = await setup(kind);
    t.teardown(() => w.stop());
    const backendRp = await rpFor(w, backend);
    const actorToken = (await client.clientCredentialsGrant(backendRp)).access_token;

    const first = await client.genericGrantRequest(backendRp, GRANT, {
      subject_token: apiSubjectToken,
      subject_token_type: ACCESS_TOKEN,
      actor_token: actorToken,
      actor_token_type: ACCESS_TOKEN,
      resource: API,
      scope: 'ledger:read',
    });
    const jwks = createRemoteJWKSet(new URL(`${w.issuer}/jwks`));
    const { payload } = await jwtVerify(first.access_token, jwks, { issuer: w.issuer, audience: API, typ: 'at+jwt' });
    t.is(payload.sub, accountId);
    t.is(payload.scope, 'ledger:read');
    t.deepEqual(payload.act, { sub: backend.client_id, client_id: backend.client_id });

    // A second service, trusted to exchange the backend's tokens, acts in turn: the chain nests.
    const reporting = await w.createClient({
      grant_types: [GRANT, 'client_credentials'],
      scope: 'openid ledger:read',
      token_exchange_from: [backend.client_id],
      allowed_resources: [API],
    });
    const reportingRp = await rpFor(w, reporting);
    const reportingActor = (await client.clientCredentialsGrant(reportingRp)).access_token;
    const second = await client.genericGrantRequest(reportingRp, GRANT, {
      subject_token: first.access_token,
      subject_token_type: ACCESS_TOKEN,
      actor_token: reportingActor,
      actor_token_type: ACCESS_TOKEN,
      resource: API,
    });
    const nested = await jwtVerify(second.access_token, jwks, { issuer: w.issuer, audience: API });
    t.deepEqual(nested.payload.act, {
      sub: reporting.client_id,
      client_id: reporting.client_id,
      act: { sub: backend.client_id, client_id: backend.client_id },
    });
    t.is(nested.payload.scope, 'ledger:read');
  });

  test(`token exchange refuses over-scoping, wrong audience, unknown tokens and untrusted clients [${kind}]`, async (t) => {
    const { w, frontend, backend, subjectToken } = await setup(kind);
    t.teardown(() => w.stop());
    const base = { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN };

    const overScoped = await exchange(w, backend, { ...base, scope: 'openid phone' });
    t.is(overScoped.status, 400);
    t.is(overScoped.body.error, 'invalid_scope');

    const wrongAudience = await exchange(w, backend, { ...base, audience: 'https://other.example.test/' });
    t.is(wrongAudience.body.error, 'invalid_target');

    const twoTargets = await exchange(w, backend, { ...base, resource: API, audience: 'https://other.example.test/' });
    t.is(twoTargets.body.error, 'invalid_target');

    const unknown = await exchange(w, backend, { subject_token: 'not-a-token-we-issued', subject_token_type: ACCESS_TOKEN });
    t.is(unknown.body.error, 'invalid_grant');

    const forged = await exchange(w, backend, {
      subject_token: 'eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.',
      subject_token_type: ACCESS_TOKEN,
    });
    t.is(forged.body.error, 'invalid_grant', 'alg none is never accepted');

    const missingType = await exchange(w, backend, { subject_token: subjectToken });
    t.is(missingType.body.error, 'invalid_request');

    const badType = await exchange(w, backend, { subject_token: subjectToken, subject_token_type: 'urn:example:saml' });
    t.is(badType.body.error, 'invalid_request');

    const actorWithoutType = await exchange(w, backend, { ...base, actor_token: subjectToken });
    t.is(actorWithoutType.body.error, 'invalid_request');

    // A client with the grant but without the frontend in token_exchange_from.
    const stranger = await w.createClient({ grant_types: [GRANT], scope: 'openid email' });
    const notAllowed = await exchange(w, stranger, base);
    t.is(notAllowed.body.error, 'invalid_grant');

    // The frontend may not use the grant at all (not registered for it).
    const noGrant = await exchange(w, frontend, base);
    t.is(noGrant.status, 400);
    t.is(noGrant.body.access_token, undefined);

    // Up-scoping into an API scope the subject token never had.
    const apiUpScope = await exchange(w, backend, { ...base, resource: API, scope: 'ledger:write' });
    t.is(apiUpScope.body.error, 'invalid_scope');

    // An actor token issued to somebody else cannot be used to claim that party acts.
    const strangerActor = await w.createClient({ grant_types: ['client_credentials'] });
    const foreignActor = (await client.clientCredentialsGrant(await rpFor(w, strangerActor))).access_token;
    const spoofed = await exchange(w, backend, { ...base, actor_token: foreignActor, actor_token_type: ACCESS_TOKEN });
    t.is(spoofed.body.error, 'invalid_grant');
  });

  test(`token exchange: a revoked or sender-constrained subject token, or a disabled account, is refused [${kind}]`, async (t) => {
    const { w, frontend, backend, subjectToken, accountId } = await setup(kind);
    t.teardown(() => w.stop());
    await client.tokenRevocation(await rpFor(w, frontend), subjectToken);
    const revoked = await exchange(w, backend, { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN });
    t.is(revoked.body.error, 'invalid_grant');

    // A DPoP-bound token cannot be exchanged: that would strip the binding from a stolen token.
    const bound = await issueUserAccessToken(w, frontend.client_id, accountId, 'openid email', undefined, { dpopJkt: 'x'.repeat(43) });
    const senderConstrained = await exchange(w, backend, { subject_token: bound.token, subject_token_type: ACCESS_TOKEN });
    t.is(senderConstrained.body.error, 'invalid_grant');
    t.regex(String(senderConstrained.body.error_description), /sender-constrained/);

    const fresh = await issueUserAccessToken(w, frontend.client_id, accountId, 'openid email');
    await w.warden.accounts.disable(accountId);
    const disabled = await exchange(w, backend, { subject_token: fresh.token, subject_token_type: ACCESS_TOKEN });
    t.is(disabled.body.error, 'invalid_grant');
  });

  test(`token exchange: an ID token can only yield identity scopes, and an access token is not an ID token [${kind}]`, async (t) => {
    const { w, frontend, backend, subjectToken } = await setup(kind);
    t.teardown(() => w.stop());
    const wrongType = await exchange(w, backend, { subject_token: subjectToken, subject_token_type: ID_TOKEN });
    t.is(wrongType.body.error, 'invalid_grant');

    // A real ID token, from a sign-in at the frontend through the hosted pages.
    const user = await w.createAccount();
    const { tokens } = await signInAndRedeem(w, await rpFor(w, frontend), frontend, user, { scope: 'openid email' });
    const idToken = tokens.id_token ?? '';
    const identity = await exchange(w, backend, { subject_token: idToken, subject_token_type: ID_TOKEN, scope: 'openid email' });
    t.is(identity.status, 200);
    t.is(identity.body.issued_token_type, ACCESS_TOKEN);
    const info = await client.tokenIntrospection(await rpFor(w, backend), String(identity.body.access_token));
    t.is(info.sub, user.id);

    const apiScope = await exchange(w, backend, { subject_token: idToken, subject_token_type: ID_TOKEN, resource: API, scope: 'ledger:read' });
    t.is(apiScope.body.error, 'invalid_scope', 'an ID token is no authorization for API scopes');

    const idAsAccess = await exchange(w, backend, { subject_token: idToken, subject_token_type: ACCESS_TOKEN });
    t.is(idAsAccess.body.error, 'invalid_grant', 'an ID token is not an access token');
  });

  test(`token exchange: the risk seam can deny or ask for step-up [${kind}]`, async (t) => {
    const w = await startWarden({
      kind,
      wardenOptions: { assessExchange: async (ctx) => (ctx.scopes.includes('email') ? { decision: 'step_up', reasons: ['new_device'] } : { decision: 'deny', reasons: ['impossible_travel'] }) },
    });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const frontend = await w.createClient({ redirect_uris: ['https://app.example.test/cb'] });
    const backend = await w.createClient({ grant_types: [GRANT], token_exchange_from: [frontend.client_id] });
    const { token } = await issueUserAccessToken(w, frontend.client_id, user.id, 'openid email');
    const stepUp = await exchange(w, backend, { subject_token: token, subject_token_type: ACCESS_TOKEN, scope: 'email' });
    t.is(stepUp.body.error, 'invalid_grant');
    t.regex(String(stepUp.body.error_description), /step-up.*new_device/);
    const denied = await exchange(w, backend, { subject_token: token, subject_token_type: ACCESS_TOKEN, scope: 'openid' });
    t.regex(String(denied.body.error_description), /denied.*impossible_travel/);
  });

  test(`token exchange: a delegation chain grows to at most ${MAX_DELEGATION_DEPTH} actors [${kind}]`, async (t) => {
    const { w, backend, subjectToken } = await setup(kind);
    t.teardown(() => w.stop());
    const backendRp = await rpFor(w, backend);
    const actorToken = (await client.clientCredentialsGrant(backendRp)).access_token;
    // The backend exchanges its own output again and again, acting each time: one more actor per hop.
    let token = subjectToken;
    for (let depth = 1; depth <= MAX_DELEGATION_DEPTH; depth += 1) {
      const hop = await exchange(w, backend, { subject_token: token, subject_token_type: ACCESS_TOKEN, actor_token: actorToken, actor_token_type: ACCESS_TOKEN, scope: 'openid' });
      t.is(hop.status, 200, `hop ${depth}: ${JSON.stringify(hop.body)}`);
      token = String(hop.body.access_token);
    }
    const exchanged = await w.db.auditEvent.count({ where: { kind: 'token.exchanged' } });
    const tooDeep = await exchange(w, backend, { subject_token: token, subject_token_type: ACCESS_TOKEN, actor_token: actorToken, actor_token_type: ACCESS_TOKEN, scope: 'openid' });
    t.is(tooDeep.status, 400);
    t.is(tooDeep.body.error, 'invalid_grant');
    t.regex(String(tooDeep.body.error_description), new RegExp(`delegation chain would be ${MAX_DELEGATION_DEPTH + 1} actors long`));
    t.is(await w.db.auditEvent.count({ where: { kind: 'token.exchanged' } }), exchanged);
    // Without an actor the chain is only carried over, so the deepest token can still be exchanged.
    const carried = await exchange(w, backend, { subject_token: token, subject_token_type: ACCESS_TOKEN, scope: 'openid' });
    t.is(carried.status, 200, JSON.stringify(carried.body));
  });

  test(`token exchange with a DPoP proof issues a token bound to its key; a bad proof is refused [${kind}]`, async (t) => {
    const { w, frontend, backend, subjectToken } = await setup(kind);
    t.teardown(() => w.stop());
    const backendRp = await rpFor(w, backend);
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(backendRp, keyPair);
    const bound = await client.genericGrantRequest(backendRp, GRANT, { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN, scope: 'openid email' }, { DPoP });
    t.is(bound.token_type.toLowerCase(), 'dpop');
    const info = await client.tokenIntrospection(backendRp, bound.access_token);
    t.deepEqual(info.cnf, { jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)) });
    const asBearer = await fetch(`${w.issuer}/me`, { headers: { authorization: `Bearer ${bound.access_token}` } });
    t.is(asBearer.status, 401);

    const exchanged = await w.db.auditEvent.count({ where: { kind: 'token.exchanged' } });
    const base = { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN, scope: 'openid' };
    const garbage = await postForm(`${w.issuer}/token`, { grant_type: GRANT, ...base }, { ...basicAuth(backend), dpop: 'a.b.c' });
    t.is(garbage.status, 400);
    t.is(((await garbage.json()) as { error?: string }).error, 'invalid_dpop_proof');
    // A proof made for another endpoint.
    const elsewhere = await new SignJWT({ htm: 'POST', htu: `${w.issuer}/me`, jti: 'j-1', iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keyPair.publicKey) })
      .sign(keyPair.privateKey);
    const wrongTarget = await postForm(`${w.issuer}/token`, { grant_type: GRANT, ...base }, { ...basicAuth(backend), dpop: elsewhere });
    t.is(wrongTarget.status, 400);
    t.regex(((await wrongTarget.json()) as { error_description?: string }).error_description ?? '', /htu/);
    t.is(await w.db.auditEvent.count({ where: { kind: 'token.exchanged' } }), exchanged);

    // A client registered for DPoP-bound tokens gets none without a proof, and one with it.
    const strict = await w.createClient({ grant_types: [GRANT], scope: 'openid email', token_exchange_from: [frontend.client_id], dpop_bound_access_tokens: true });
    const unproven = await postForm(`${w.issuer}/token`, { grant_type: GRANT, ...base }, basicAuth(strict));
    t.is(unproven.status, 400);
    t.is(((await unproven.json()) as { error?: string }).error, 'invalid_grant');
    const strictRp = await rpFor(w, strict);
    const proven = await client.genericGrantRequest(strictRp, GRANT, base, { DPoP: client.getDPoPHandle(strictRp, keyPair) });
    t.is(proven.token_type.toLowerCase(), 'dpop');
  });
}
