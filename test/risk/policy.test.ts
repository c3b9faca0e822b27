import test from 'ava';
import { applyMode, decide, defaultThresholds, hardRules, thresholdsFor } from '../../src/risk/policy.ts';
import { featureNames, type FeatureValues } from '../../src/risk/spec.ts';

const zero = (): FeatureValues => Object.fromEntries(featureNames.map((n) => [n, 0]));

test('default thresholds exist for every trained kind and deny >= step-up', (t) => {
  for (const kind of ['password_login', 'refresh', 'token_exchange']) {
    const th = defaultThresholds[kind];
    t.truthy(th);
    t.true((th?.deny ?? 0) >= (th?.stepUp ?? 1));
  }
});

test('scores map to allow / step_up / deny at the configured thresholds', (t) => {
  const thresholds = { password_login: { stepUp: 0.2, deny: 0.9 } };
  t.is(decide('password_login', 0.1, zero(), { thresholds }).decision, 'allow');
  t.is(decide('password_login', 0.2, zero(), { thresholds }).decision, 'step_up');
  t.is(decide('password_login', 0.95, zero(), { thresholds }).decision, 'deny');
});

test('a replayed single-use token is denied whatever the score', (t) => {
  const f = { ...zero(), token_reused: 1 };
  const r = decide('refresh', 0, f);
  t.is(r.decision, 'deny');
  t.is(r.hardRules[0]?.rule, 'token_replayed');
});

test('a replayed subject token is denied unless subject tokens are configured reusable', (t) => {
  const f = { ...zero(), subject_jti_seen: 2 };
  t.is(decide('token_exchange', 0, f).decision, 'deny');
  t.deepEqual(hardRules('token_exchange', f, { singleUseSubjectTokens: false }), []);
  t.is(decide('token_exchange', 0, f, { singleUseSubjectTokens: false }).decision, 'allow');
});

test('an exchange asking for scopes beyond the subject token is denied', (t) => {
  const r = decide('token_exchange', 0, { ...zero(), scope_expansion: 1 });
  t.is(r.decision, 'deny');
  t.regex(r.hardRules[0]?.reason ?? '', /beyond the subject token/);
});

test('hard rules are kind-specific: exchange rules do not fire on logins', (t) => {
  t.deepEqual(hardRules('password_login', { ...zero(), subject_jti_seen: 3, scope_expansion: 2 }), []);
});

test('monitor and off let everything through; enforce applies the decision', (t) => {
  t.is(applyMode('enforce', 'deny'), 'deny');
  t.is(applyMode('monitor', 'deny'), 'allow');
  t.is(applyMode('monitor', 'step_up'), 'allow');
  t.is(applyMode('off', 'deny'), 'allow');
});

test('kinds without trained thresholds fall back to password-login thresholds', (t) => {
  t.deepEqual(thresholdsFor('federated_login'), thresholdsFor('password_login'));
});
