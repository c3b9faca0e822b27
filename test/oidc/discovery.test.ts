import http from 'node:http';
import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { discoveryDocument } from './_rp.ts';

for (const kind of storeKinds) {
  test(`discovery advertises what Warden supports, and nothing it refuses [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const d = await discoveryDocument(w);

    t.is(d.issuer, w.issuer);
    t.deepEqual(d.response_types_supported, ['code']);
    t.deepEqual(d.code_challenge_methods_supported, ['S256']);
    t.true(d.authorization_response_iss_parameter_supported);
    t.true(d.claims_parameter_supported);
    t.true(d.request_parameter_supported);
    t.truthy(d.pushed_authorization_request_endpoint);
    t.truthy(d.introspection_endpoint);
    t.truthy(d.revocation_endpoint);
    t.truthy(d.userinfo_endpoint);
    t.truthy(d.registration_endpoint);
    t.truthy(d.end_session_endpoint);
    t.true(d.backchannel_logout_supported);
    t.true(Array.isArray(d.dpop_signing_alg_values_supported));

    const grants = d.grant_types_supported as string[];
    t.true(grants.includes('authorization_code'));
    t.true(grants.includes('refresh_token'));
    t.true(grants.includes('client_credentials'));
    t.true(grants.includes('urn:ietf:params:oauth:grant-type:token-exchange'));
    t.false(grants.includes('implicit'));
    t.false(grants.includes('password'));

    const algs = d.id_token_signing_alg_values_supported as string[];
    t.deepEqual([...algs].sort(), ['ES256', 'EdDSA', 'RS256']);
    for (const key of ['request_object_signing_alg_values_supported', 'token_endpoint_auth_signing_alg_values_supported']) {
      t.false((d[key] as string[]).includes('none'), `${key} must not offer none`);
    }
    for (const scope of ['openid', 'profile', 'email', 'phone', 'address', 'offline_access', 'groups', 'roles']) {
      t.true((d.scopes_supported as string[]).includes(scope), scope);
    }
  });

  test(`the JWKS publishes an ES256, an RS256 and an EdDSA key, public parts only [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const jwks = (await (await fetch(`${w.issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    t.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
    for (const key of jwks.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) t.false(secret in key);
      t.is(typeof key.kid, 'string');
    }
  });

  test(`health, readiness and security headers [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const health = await fetch(`${w.url}/healthz`);
    t.is(health.status, 200);
    const ready = await fetch(`${w.url}/readyz`);
    t.is(ready.status, 200);
    t.regex(ready.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    t.is(ready.headers.get('x-frame-options'), 'DENY');
    t.is(ready.headers.get('referrer-policy'), 'no-referrer');
    t.is(ready.headers.get('x-content-type-options'), 'nosniff');
    t.truthy(ready.headers.get('x-request-id'));
  });

  test(`discovery's endpoints are the issuer's, whatever Host or X-Forwarded-Host the request names [${kind}]`, async (t) => {
    for (const httpsIssuer of [false, true]) {
      const w = await startWarden({ kind, httpsIssuer });
      t.teardown(() => w.stop());
      const headers = { host: 'evil.example', 'x-forwarded-host': 'evil.example', ...(httpsIssuer ? { 'x-forwarded-proto': 'https' } : {}) };
      const document = JSON.parse(await getText(`${w.url}/.well-known/openid-configuration`, headers)) as Record<string, unknown>;
      const urls = Object.entries(document).filter(([key, value]) => typeof value === 'string' && (key.endsWith('_endpoint') || key === 'jwks_uri'));
      t.true(urls.length >= 8);
      for (const [key, value] of urls) t.true(String(value).startsWith(`${w.issuer}/`), `${key}: ${String(value)}`);
    }
  });
}

/** A GET with headers fetch() will not send (Host). */
function getText(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
