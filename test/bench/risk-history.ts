// Realistic risk history for benchmarks: `accounts` people, each with 40 logins and 30 refreshes
// spread over the last 89 days from a few addresses of their own. A running deployment has such a
// history (and, on PostgreSQL, planner statistics for it); a benchmark on an empty RiskEvent table
// would measure a cold start instead.
import { randomUUID } from 'node:crypto';
import type { Db, Prisma } from '../../src/store/index.ts';

const DAY = 86_400_000;
const LOGINS_PER_ACCOUNT = 40;
const REFRESH_PER_ACCOUNT = 30;
export const historyUserAgents = ['Mozilla/5.0 Chrome/122.0 Safari/537.36', 'Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121.0'];

/** The k-th address of account a (documentation ranges are not used: GeoIP must resolve them). */
export function historyAddress(a: number, k: number): string {
  return `${24 + (a % 100)}.${(a >> 3) & 255}.${k % 3}.${(a + k) % 250 + 1}`;
}

/** `n` synthetic account ids, `acct-0` ... */
export function syntheticAccounts(n: number): string[] {
  return Array.from({ length: n }, (_, a) => `acct-${a}`);
}

/**
 * Writes the history ending at `now` for each of `accountIds` (the a-th takes historyAddress(a, k) as
 * its addresses); returns the number of rows.
 */
export async function seedRiskHistory(db: Db, accountIds: readonly string[], now: number): Promise<number> {
  let batch: Prisma.RiskEventCreateManyInput[] = [];
  let written = 0;
  const flush = async () => {
    if (batch.length) await db.riskEvent.createMany({ data: batch });
    written += batch.length;
    batch = [];
  };
  for (const [a, accountId] of accountIds.entries()) {
    const rows = LOGINS_PER_ACCOUNT + REFRESH_PER_ACCOUNT;
    for (let k = 0; k < rows; k++) {
      const refresh = k >= LOGINS_PER_ACCOUNT;
      const ip = historyAddress(a, k);
      batch.push({
        id: randomUUID(), at: new Date(now - ((k * 89) / rows) * DAY - a * 1000), kind: refresh ? 'refresh' : 'password_login',
        accountId, clientId: 'portal', ip, ipPrefix: ip.split('.').slice(0, 3).join('.') + '.0/24', country: 'US',
        latitude: 37.7, longitude: -97.8, userAgent: historyUserAgents[a % 2] ?? null, browserFamily: a % 2 ? 'Firefox' : 'Chrome',
        deviceId: refresh ? null : `dev-${a}`, success: k % 17 !== 5, tokenId: refresh ? `rt-${a}-${k}` : null,
        grantId: `g-${a}-${k % 5}`, features: {}, score: 0.001, decision: 'allow', reasons: [], modelVersion: 'seed',
      });
      if (batch.length >= 2000) await flush();
    }
  }
  await flush();
  return written;
}
