// Velocity: failures and attempts from this address, distinct accounts tried from it, failures from
// its network prefix, all in sliding windows ending now (credential stuffing, password spraying).
// Rows: the address's events of the last hour, at most addressTake, and the prefix's failure count
// (features/combined.ts).
import type { ResolvedEvent } from '../events.ts';
import type { FeatureValues } from '../spec.ts';
import { loginKinds } from './history.ts';

export interface AddressRow {
  at: Date;
  kind: string;
  success: boolean;
  accountId: string | null;
  login: string | null;
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
