// Risk scoring overhead per event: resolving the event (address, prefix, GeoIP, browser family),
// its features (one SQL round trip over indexed RiskEvent columns) and the model (score plus the
// occlusion batch for explanations), p50 / p99, against a store holding realistic history. Not in it:
// the RiskEvent INSERT, the trust-on-first-use lookup and the audit entry, which the full assess()
// (measured separately, `assessMs`) adds.
//   taskset -c 0 npx tsx test/bench/risk-scoring.bench.ts [sqlite|postgresql] [events]
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createRiskEngine, resolveEvent } from '../../src/risk/engine.ts';
import type { RiskContext } from '../../src/risk/events.ts';
import { computeFeatures } from '../../src/risk/features/index.ts';
import { loadCommon } from '../../src/risk/features/combined.ts';
import { occlusionRows } from '../../src/risk/explain.ts';
import { loadRiskModel } from '../../src/risk/model.ts';
import { riskContextSchema } from '../../src/risk/events.ts';
import { toVector } from '../../src/risk/spec.ts';
import { sqlRunnerFor } from '../../src/store/index.ts';
import { openTestStore, type StoreKind } from '../helpers/store.ts';
import { historyAddress, historyUserAgents, seedRiskHistory, syntheticAccounts } from './risk-history.ts';

const DAY = 86_400_000;
const ACCOUNTS = Number(process.env.RISK_BENCH_ACCOUNTS ?? 2000);
const NOW = Date.UTC(2026, 10, 1, 12);
const UAS = historyUserAgents;
const ipOf = historyAddress;

function context(i: number): RiskContext {
  const a = (i * 7919) % ACCOUNTS;
  const at = new Date(NOW + i * 50);
  const base = { at, ip: ipOf(a, i % 7), userAgent: UAS[a % 2], clientId: 'portal', success: i % 13 !== 0, accountId: `acct-${a}` };
  if (i % 10 < 7) return { ...base, kind: 'password_login', login: `user${a}@example.org`, deviceId: `dev-${a}` };
  if (i % 10 < 9) return { ...base, kind: 'refresh', grantId: `g-${a}-1`, tokenId: `rt-new-${i}` };
  return { ...base, kind: 'token_exchange', actorDepth: 1, requestedScopes: ['openid'], requestedAudiences: ['api'],
    subject: { tokenId: `jti-${i}`, issuer: 'self', issuedAt: new Date(at.getTime() - 60_000), scopes: ['openid'], audiences: ['api'] } };
}

const quantile = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const round = (x: number) => Math.round(x * 1000) / 1000;

export async function run(kind: StoreKind = 'sqlite', events = 2000) {
  const s = await openTestStore(kind);
  try {
    const t0 = performance.now();
    await seedRiskHistory(s.db, syntheticAccounts(ACCOUNTS), NOW);
    const seedMs = performance.now() - t0;
    const model = await loadRiskModel();
    const engine = createRiskEngine({ db: s.db, mode: 'enforce', model });
    const scoring: number[] = [];
    const featuresOnly: number[] = [];
    const modelOnly: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < events + 200; i++) {
      const ctx = context(i);
      const a = performance.now();
      const ev = resolveEvent(riskContextSchema.parse(ctx));
      const values = await computeFeatures(s.db, ev);
      const f = performance.now();
      const cands = occlusionRows(ev.kind, values);
      await model.score([toVector(values), ...cands.map((c) => c.row)]);
      const b = performance.now();
      await engine.assess({ ...ctx, at: new Date(ctx.at?.getTime() ?? NOW) });
      const c = performance.now();
      if (i >= 200) { // warm-up: JIT, statement caches
        scoring.push(b - a);
        featuresOnly.push(f - a);
        modelOnly.push(b - f);
        full.push(c - b);
      }
    }
    // Where the time goes: the one round trip every event makes.
    const common: number[] = [];
    for (let i = 0; i < 500; i++) {
      const ev = resolveEvent(riskContextSchema.parse({ ...context(i * 10), at: new Date(NOW + 10 * DAY) }));
      const a = performance.now();
      await loadCommon(sqlRunnerFor(s.db), ev);
      common.push(performance.now() - a);
    }
    const queryMs = { common: { p50: round(quantile(common, 0.5)), p99: round(quantile(common, 0.99)) } };
    const rows = await s.db.riskEvent.count();
    return {
      store: kind, historyRows: rows, seedSeconds: round(seedMs / 1000), events,
      scoringMs: { p50: round(quantile(scoring, 0.5)), p99: round(quantile(scoring, 0.99)) },
      // The two halves of scoringMs: resolve + features (the read), occlusion rows + model.
      featuresMs: { p50: round(quantile(featuresOnly, 0.5)), p99: round(quantile(featuresOnly, 0.99)) },
      modelMs: { p50: round(quantile(modelOnly, 0.5)), p99: round(quantile(modelOnly, 0.99)) },
      assessMs: { p50: round(quantile(full, 0.5)), p99: round(quantile(full, 0.99)) },
      readsMs: queryMs,
    };
  } finally {
    await s.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kind = (process.argv[2] ?? 'sqlite') as StoreKind;
  console.log(JSON.stringify(await run(kind, Number(process.argv[3] ?? 2000)), null, 2));
}
