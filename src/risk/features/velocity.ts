// Velocity: failures and attempts from this address, distinct accounts tried from it, failures from
// its network prefix, all in sliding windows ending now (credential stuffing, password spraying).
// Counted by the database over the address's newest addressTake events of the last hour, and the
// prefix's failures of the last hour (features/combined.ts); mirrors models/risk/featurize.py.
import type { FeatureValues } from '../spec.ts';
import type { AddressCounts } from './combined.ts';

export function velocityFeatures(address: AddressCounts, prefixFailures: number): FeatureValues {
  return {
    ip_fail_10m: address.fail10m,
    ip_fail_1h: address.fail1h,
    ip_attempts_1h: address.attempts1h,
    ip_accounts_1h: address.accounts1h,
    prefix_fail_1h: prefixFailures,
  };
}
