// Warden as the benchmark runs it: createWarden as src/main.ts calls it (risk scoring as
// WARDEN_RISK_MODE says, metrics on, logs off) over the store named by DATABASE_URL, seeded with the
// clients and accounts the scenarios use. Started pinned to one core by the bench.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config.ts';
import { openStore } from '../../../src/store/index.ts';
import { createWarden } from '../../../src/warden.ts';
import { prismaAdapter } from '../../../src/oidc/prisma-adapter.ts';
import { createLogger } from '../../../src/ops/logger.ts';
import { createMetrics } from '../../../src/ops/metrics.ts';
import { wardenMetrics } from '../../../src/ops/warden-metrics.ts';
import { announce, mintRefreshTokens } from './mint.ts';
import { seedRiskHistory, syntheticAccounts } from '../risk-history.ts';

// BENCH_REFRESH_TOKENS: more for a run of many short loads (interleaved-ab.ts), each of which ends
// with requests in flight whose rotated tokens never come back.
const refreshTokenCount = Number(process.env.BENCH_REFRESH_TOKENS ?? 64);
if (!Number.isInteger(refreshTokenCount) || refreshTokenCount < 1) throw new Error('BENCH_REFRESH_TOKENS is a positive whole number');
// BENCH_PG_SOCKET_DIR (e.g. /var/run/postgresql): reach a PostgreSQL on this host through its Unix
// socket instead of TCP, as DATABASE_URL's `host` query parameter says.
const socketDir = process.env.BENCH_PG_SOCKET_DIR;
if (socketDir && process.env.DATABASE_URL?.startsWith('postgresql:')) {
  const url = new URL(process.env.DATABASE_URL);
  url.searchParams.set('host', socketDir);
  process.env.DATABASE_URL = url.href;
}
const config = loadConfig(process.env);
const store = await openStore(config);
const warden = await createWarden({ config, store, logger: createLogger('silent'), risk: true, metrics: wardenMetrics(createMetrics()) });
const Clients = prismaAdapter(store.db);
const clients = new Clients('Client');

const resource = 'https://api.bench.example';
const cc = { client_id: 'bench-cc', client_secret: randomBytes(24).toString('base64url') };
await clients.upsert(cc.client_id, {
  client_id: cc.client_id,
  client_secret: cc.client_secret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  scope: 'api:read',
  allowed_resources: [resource],
}, 0);
const web = { client_id: 'bench-web', client_secret: randomBytes(24).toString('base64url'), redirect_uri: 'http://127.0.0.1:9/cb' };
await clients.upsert(web.client_id, {
  client_id: web.client_id,
  client_secret: web.client_secret,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: [web.redirect_uri],
  scope: 'openid profile email offline_access',
}, 0);
const accounts = Array.from({ length: 8 }, (_, i) => ({ email: `bench-${i}-${randomBytes(4).toString('hex')}@example.com`, password: 'bench passphrase that is long enough' }));
const records = [];
for (const a of accounts) records.push(await warden.accounts.createAccount({ email: a.email, password: a.password, emailVerified: true, profile: { name: 'Bench' } }));
// A deployment's state rather than a cold start: 21,000 events of other people's history, and on
// PostgreSQL the statistics autovacuum would have gathered (without them the planner sees every index
// of an empty table as equally good, and Warden's generic plans would keep that choice until the first
// ANALYZE). The bench's own accounts have the same history of their own, 40 logins over 89 days: a
// user's refreshes follow their sign-ins, so each scored refresh walks that history as it would in
// production (without it, the account-history read would find nothing to summarise).
await seedRiskHistory(store.db, [...syntheticAccounts(300), ...records.map((r) => r.id)], Date.now());
if (store.kind === 'postgresql') await store.db.$executeRawUnsafe('ANALYZE');
const refreshTokens = await mintRefreshTokens(warden.provider, records[0]!.id, web.client_id, refreshTokenCount);
await warden.listen(config.port, '127.0.0.1');
announce({ url: config.issuer, cc, jwtResource: resource, web, accounts, refreshTokens });
process.on('SIGTERM', () => {
  void warden.close().then(() => store.close()).then(() => process.exit(0));
});
