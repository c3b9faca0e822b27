import test from 'ava';
import { applyMode, decide, defaultThresholds, firstUseReason, hardRules, thresholdsFor } from '../../src/risk/policy.ts';
import { featureNames, type FeatureValues } from '../../src/risk/spec.ts';

const zero = (): FeatureValues => Object.fromEntries(featureNames.map((n) => [n, 0]));

test('default thresholds exist for every trained kind and deny >= step-up', (t) => {
  for (const kind of ['password_login', 'refresh', 'token_exchange']) {
    const th = defaultThresholds[kind];
    t.truthy(th);
    t.true((th?.deny ?? 0) >= (th?.stepUp ?? 1));
  }
});

test('scores map to allow / step_up / deny at the configured thresholds', async (t) => {
  const thresholds = { password_login: { stepUp: 0.2, deny: 0.9 } };
  t.is((await decide('password_login', 0.1, zero(), { thresholds })).decision, 'allow');
  t.is((await decide('password_login', 0.2, zero(), { thresholds })).decision, 'step_up');
  t.is((await decide('password_login', 0.95, zero(), { thresholds })).decision, 'deny');
});

test('a replayed single-use token is denied whatever the score', async (t) => {
  const f = { ...zero(), token_reused: 1 };
  const r = await decide('refresh', 0, f);
  t.is(r.decision, 'deny');
  t.is(r.hardRules[0]?.rule, 'token_replayed');
});

test('a replayed subject token is denied unless subject tokens are configured reusable', async (t) => {
  const f = { ...zero(), subject_jti_seen: 2 };
  t.is((await decide('token_exchange', 0, f)).decision, 'deny');
  t.deepEqual(hardRules('token_exchange', f, { singleUseSubjectTokens: false }), []);
  t.is((await decide('token_exchange', 0, f, { singleUseSubjectTokens: false })).decision, 'allow');
});

test('an exchange asking for scopes beyond the subject token is denied', async (t) => {
  const r = await decide('token_exchange', 0, { ...zero(), scope_expansion: 1 });
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

test("trust on first use: an account's first sign-in without a second factor is allowed up to the deny threshold", async (t) => {
  const thresholds = { password_login: { stepUp: 0.01, deny: 0.99 } };
  const first = { isFirstUse: () => true };
  t.deepEqual(await decide('password_login', 0.1, zero(), { thresholds }, first), { decision: 'allow', hardRules: [], firstUse: 'account' });
  // Well above the old 0.25 ceiling: a step-up the account cannot pass would lock it out for good.
  t.is((await decide('password_login', 0.9, zero(), { thresholds }, first)).decision, 'allow');
  t.is((await decide('password_login', 0.995, zero(), { thresholds }, first)).decision, 'deny', 'a deny-level score is still denied');
  t.is((await decide('password_login', 0.1, zero(), { thresholds }, { isFirstUse: () => false })).decision, 'step_up');
  t.is((await decide('password_login', 0.1, zero(), { thresholds }, { ...first, hasSecondFactor: true })).decision, 'step_up',
    'an account with a second factor is stepped up normally');
  t.is((await decide('password_login', 0.1, zero(), { thresholds }, { ...first, hasSecondFactor: false })).decision, 'allow');
  t.is((await decide('password_login', 0.1, zero(), { thresholds, trustOnFirstUse: false }, first)).decision, 'step_up');
  t.is((await decide('password_login', 0.3, zero(), { thresholds, trustOnFirstUse: { ceiling: 0.25 } }, first)).decision, 'step_up');
  t.is((await decide('password_login', 0.2, zero(), { thresholds, trustOnFirstUse: { ceiling: 0.25 } }, first)).decision, 'allow');
  let asked = 0;
  await decide('password_login', 0.001, zero(), { thresholds }, { isFirstUse: () => { asked++; return true; } });
  await decide('password_login', 0.1, zero(), { thresholds }, { isFirstUse: () => { asked++; return true; }, hasSecondFactor: true });
  t.is(asked, 0, 'the first-use query runs only when a step-up it could lift is at stake');
  t.is((await decide('refresh', 0, { ...zero(), token_reused: 1 }, { thresholds }, first)).decision, 'deny');
  t.regex(firstUseReason('account'), /first sign-in of this account/);
});

test('a client first using a grant type is allowed up to the deny threshold', async (t) => {
  const thresholds = { token_exchange: { stepUp: 0.01, deny: 0.99 } };
  t.deepEqual(await decide('token_exchange', 0.9, zero(), { thresholds }, { isFirstUse: () => true }), { decision: 'allow', hardRules: [], firstUse: 'client' });
  t.is((await decide('token_exchange', 0.995, zero(), { thresholds }, { isFirstUse: () => true })).decision, 'deny');
  t.is((await decide('token_exchange', 0.9, zero(), { thresholds }, { isFirstUse: () => false })).decision, 'step_up');
});
