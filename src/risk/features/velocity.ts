// Velocity: failures and attempts from this address, distinct accounts tried from it, failures from
// its network prefix, all in sliding windows ending now (credential stuffing, password spraying).
// Two indexed queries: (ip, at) bounded by addressTake rows, and a count on (ipPrefix, at).
import type { RiskDb } from '../db.ts';
import type { ResolvedEvent } from '../events.ts';
import { spec, type FeatureValues } from '../spec.ts';
import { loginKinds } from './history.ts';

export interface AddressRow {
  at: Date;
  kind: string;
  success: boolean;
  accountId: string | null;
  login: string | null;
}

export async function loadAddress(db: RiskDb, ev: ResolvedEvent): Promise<{ rows: AddressRow[]; prefixFailures: number }> {
  const since = new Date(ev.at.getTime() - 3_600_000);
  const [rows, prefixFailures] = await Promise.all([
    db.riskEvent.findMany({
      where: { ip: ev.ip, at: { gte: since, lte: ev.at } },
      orderBy: { at: 'desc' },
      take: spec.windows.addressTake,
      select: { at: true, kind: true, success: true, accountId: true, login: true },
    }),
    db.riskEvent.count({ where: { ipPrefix: ev.ipPrefix, success: false, at: { gte: since, lte: ev.at } } }),
  ]);
  return { rows, prefixFailures };
}

export function velocityFeatures(ev: ResolvedEvent, rows: readonly AddressRow[], prefixFailures: number): FeatureValues {
  const tenMinutesAgo = ev.at.getTime() - 600_000;
  const logins = rows.filter((r) => loginKinds.includes(r.kind));
  return {
    ip_fail_10m: rows.filter((r) => !r.success && r.at.getTime() >= tenMinutesAgo).length,
    ip_fail_1h: rows.filter((r) => !r.success).length,
    ip_attempts_1h: logins.length,
    ip_accounts_1h: new Set(logins.map((r) => r.accountId ?? `?${r.login ?? ''}`)).size,
    prefix_fail_1h: prefixFailures,
  };
}
