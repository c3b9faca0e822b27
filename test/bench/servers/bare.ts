// The ceiling: a bare oidc-provider 9 with its in-memory adapter and the same features the scenarios
// use, an ES256 key like Warden's default, and no hosted pages.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { announce, mintRefreshTokens } from './mint.ts';

const port = Number(process.env.PORT ?? 3100);
const url = `http://localhost:${port}`;
const resource = 'https://api.bench.example';
const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const cc = { client_id: 'bench-cc', client_secret: randomBytes(24).toString('base64url') };
const web = { client_id: 'bench-web', client_secret: randomBytes(24).toString('base64url'), redirect_uri: 'http://127.0.0.1:9/cb' };
const provider = new Provider(url, {
  jwks: { keys: [{ ...jwk, kid: 'bench', alg: 'ES256', use: 'sig' }] },
  clients: [
    { client_id: cc.client_id, client_secret: cc.client_secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
    { client_id: web.client_id, client_secret: web.client_secret, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [web.redirect_uri] },
  ],
  scopes: ['openid', 'offline_access', 'api:read'],
  clientDefaults: { id_token_signed_response_alg: 'ES256', grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      getResourceServerInfo: () => ({ scope: 'api:read', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
  rotateRefreshToken: true,
  issueRefreshToken: () => true,
});
// BENCH_REFRESH_TOKENS as in warden.ts: more for a run of many short loads (interleaved-ab.ts).
const refreshTokenCount = Number(process.env.BENCH_REFRESH_TOKENS ?? 64);
if (!Number.isInteger(refreshTokenCount) || refreshTokenCount < 1) throw new Error('BENCH_REFRESH_TOKENS is a positive whole number');
const refreshTokens = await mintRefreshTokens(provider, 'bench-account', web.client_id, refreshTokenCount);
provider.listen(port, () => {
  announce({ url, cc, jwtResource: resource, web, accounts: [], refreshTokens });
});
// A clean exit on the bench's SIGTERM, so that a profiled run (BENCH_SERVER_NODE_ARGS=--cpu-prof)
// writes its profile.
process.on('SIGTERM', () => process.exit(0));
