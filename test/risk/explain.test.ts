import test from 'ava';
import { describe, explain, occlusionRows, userMessage } from '../../src/risk/explain.ts';
import { featureNames, spec, type FeatureValues } from '../../src/risk/spec.ts';

const benign = (): FeatureValues =>
  Object.fromEntries(spec.features.map((f) => [f.name, f.baseline ?? 0]));
const def = (name: string) => {
  const d = spec.features.find((f) => f.name === name);
  if (!d) throw new Error(name);
  return d;
};

test('reasons are in words, with counts', (t) => {
  t.is(describe(def('new_device'), 1), 'new device');
  t.is(describe(def('new_country'), 1), 'country never seen for this account');
  t.is(describe(def('ip_fail_10m'), 37), '37 failed sign-ins from this address in 10 minutes');
  t.is(describe(def('travel_kmh'), 8123.4), 'travel at 8123 km/h since the last sign-in');
});

test('only features away from their baseline, and applicable to the kind, are candidates', (t) => {
  const values = { ...benign(), new_device: 1, origin_country_diff: 1, kind_password_login: 1 };
  const names = occlusionRows('password_login', values).map((c) => c.def.name);
  t.deepEqual(names, ['new_device']);
  const refresh = occlusionRows('refresh', { ...values, kind_refresh: 1 }).map((c) => c.def.name);
  t.deepEqual(refresh, ['origin_country_diff']);
  const row = occlusionRows('password_login', values)[0]?.row;
  t.is(row?.[featureNames.indexOf('new_device')], 0);
});

test('explain ranks by log-odds drop, puts hard rules first and drops small effects', (t) => {
  const values = { ...benign(), new_device: 1, new_country: 1, ip_fail_10m: 37 };
  const cands = occlusionRows('password_login', values);
  const occluded = cands.map((c) => (c.def.name === 'ip_fail_10m' ? 0.01 : c.def.name === 'new_country' ? 0.5 : 0.89));
  const reasons = explain(0.9, cands, occluded, values, [{ rule: 'token_replayed', reason: 'replayed' }]);
  t.deepEqual(reasons, ['replayed', '37 failed sign-ins from this address in 10 minutes', 'country never seen for this account']);
});

test('user-facing wording is neutral: no signal is named', (t) => {
  for (const decision of ['step_up', 'deny'] as const) {
    for (const kind of ['password_login', 'refresh']) {
      const m = userMessage(decision, kind);
      t.true(m.length > 0);
      t.notRegex(m, /country|device|address|failed|travel|score/i);
    }
  }
  t.is(userMessage('allow', 'password_login'), '');
  t.regex(userMessage('step_up', 'password_login'), /authenticator/);
});
