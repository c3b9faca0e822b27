import test from 'ava';
import {
  createLoginThrottle,
  DEFAULT_THROTTLE_RULES,
  delayAfter,
  throttleKeys,
  type ThrottleDecision,
} from '../../src/interactions/throttle.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

function manualClock(start = new Date('2026-06-01T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const allowed = (decision: ThrottleDecision) => decision.allowed;

test('delays grow exponentially after the free attempts, up to a cap', (t) => {
  const rule = DEFAULT_THROTTLE_RULES.pair;
  t.is(delayAfter(1, rule), 0);
  t.is(delayAfter(2, rule), 0);
  t.is(delayAfter(3, rule), 1000);
  t.is(delayAfter(4, rule), 2000);
  t.is(delayAfter(8, rule), 32_000);
  t.is(delayAfter(60, rule), rule.maxDelayMs);
  // The account-wide counter only ever slows the owner down by a minute at most.
  t.is(delayAfter(1000, DEFAULT_THROTTLE_RULES.account), 60_000);
});

test('keys do not store the typed login, and ignore its case', (t) => {
  const keys = throttleKeys({ login: 'Alice@Example.org', address: '203.0.113.9' });
  t.deepEqual(keys, throttleKeys({ login: 'alice@example.org ', address: '203.0.113.9' }));
  t.false(JSON.stringify(keys).includes('alice'));
});

for (const kind of storeKinds) {
  test(`one address guessing one account is slowed, then allowed again after the delay [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const clock = manualClock();
    const throttle = createLoginThrottle(store.db, { now: clock.now });
    const attempt = { login: 'victim@example.org', address: '198.51.100.7' };

    for (let i = 0; i < 3; i += 1) t.true((await throttle.reserve(attempt)).allowed);
    const refused = await throttle.reserve(attempt);
    t.like(refused, { allowed: false, scope: 'pair', retryAfterSeconds: 1 });
    // A refused attempt does not count and does not extend the delay.
    t.false((await throttle.reserve(attempt)).allowed);
    clock.advance(1000);
    t.true((await throttle.reserve(attempt)).allowed);
    t.like(await throttle.reserve(attempt), { allowed: false, retryAfterSeconds: 2 });

    // The same account from another address is not held up by this pair.
    t.true((await throttle.reserve({ ...attempt, address: '192.0.2.44' })).allowed);
  });

  test(`a success clears the pair and gives back the shared slots [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const clock = manualClock();
    const throttle = createLoginThrottle(store.db, { now: clock.now });
    const attempt = { login: 'user@example.org', address: '198.51.100.8' };
    await throttle.reserve(attempt);
    await throttle.reserve(attempt);
    const third = await throttle.reserve(attempt);
    t.true(third.allowed);
    if (third.allowed) await throttle.succeeded(third.reservation);
    t.true((await throttle.reserve(attempt)).allowed);
    const keys = throttleKeys(attempt);
    const account = await store.db.throttleCounter.findUnique({ where: { key: keys.account } });
    t.is(account?.failures, 3);
  });

  test(`after a success the pair starts over with its free attempts, and a refusal counts nowhere [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const throttle = createLoginThrottle(store.db, { now: manualClock().now, random: () => 0.5 });
    const attempt = { login: 'again@example.org', address: '198.51.100.21' };
    const keys = throttleKeys(attempt);
    const failures = async () => Object.fromEntries(
      (await store.db.throttleCounter.findMany({ where: { key: { in: Object.values(keys) } } })).map((row) => [row.key, row.failures]),
    );
    await throttle.reserve(attempt);
    const second = await throttle.reserve(attempt);
    if (!second.allowed) return t.fail('the second attempt is free');
    await throttle.succeeded(second.reservation);
    t.deepEqual(await failures(), { [keys.pair]: 0, [keys.account]: 1, [keys.address]: 1 });
    for (let i = 0; i < DEFAULT_THROTTLE_RULES.pair.freeAttempts; i += 1) t.true((await throttle.reserve(attempt)).allowed);
    const before = await failures();
    t.like(await throttle.reserve(attempt), { allowed: false, scope: 'pair', retryAfterSeconds: 1 });
    t.deepEqual(await failures(), before);
  });

  test(`a busy office address is not throttled by its successful logins [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const throttle = createLoginThrottle(store.db);
    for (let i = 0; i < 40; i += 1) {
      const decision = await throttle.reserve({ login: `worker${i}@example.org`, address: '203.0.113.50' });
      t.true(decision.allowed);
      if (decision.allowed) await throttle.succeeded(decision.reservation);
    }
  });

  test(`credential stuffing from one address is slowed after 20 accounts [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const throttle = createLoginThrottle(store.db, { now: manualClock().now });
    const results = [];
    for (let i = 0; i < 25; i += 1) {
      results.push(await throttle.reserve({ login: `target${i}@example.org`, address: '198.51.100.66' }));
    }
    t.is(results.filter(allowed).length, 20);
    t.like(results[24], { allowed: false, scope: 'address' });
    // Someone else, elsewhere, is unaffected.
    t.true((await throttle.reserve({ login: 'target1@example.org', address: '192.0.2.1' })).allowed);
  });

  test(`20 parallel attempts cannot slip past the counter [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    // A frozen clock: the race must be lost by the counter, not won by the one-second delay expiring
    // while twenty attempts queue for the database.
    const throttle = createLoginThrottle(store.db, { now: manualClock().now });
    const attempt = { login: 'parallel@example.org', address: '198.51.100.99' };
    const decisions = await Promise.all(Array.from({ length: 20 }, () => throttle.reserve(attempt)));
    const passed = decisions.filter(allowed).length;
    t.is(passed, DEFAULT_THROTTLE_RULES.pair.freeAttempts);
    const row = await store.db.throttleCounter.findUnique({ where: { key: throttleKeys(attempt).pair } });
    t.is(row?.failures, DEFAULT_THROTTLE_RULES.pair.freeAttempts);
    // The refused attempts count in no counter: those the pair counter refused gave back their slots.
    for (const scope of ['account', 'address'] as const) {
      const shared = await store.db.throttleCounter.findUnique({ where: { key: throttleKeys(attempt)[scope] } });
      t.is(shared?.failures, DEFAULT_THROTTLE_RULES.pair.freeAttempts, scope);
    }
  });

  test(`a rule without delays counts but never refuses [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const noDelay = { freeAttempts: 0, baseDelayMs: 0, maxDelayMs: 0, windowMs: 60_000 };
    const throttle = createLoginThrottle(store.db, { now: manualClock().now, random: () => 0.5, rules: { pair: noDelay, account: noDelay, address: noDelay } });
    const attempt = { login: 'relaxed@example.org', address: '198.51.100.50' };
    for (let i = 0; i < 12; i += 1) t.true((await throttle.reserve(attempt)).allowed);
    const row = await store.db.throttleCounter.findUnique({ where: { key: throttleKeys(attempt).pair } });
    t.like(row, { failures: 12, blockedUntil: null });
  });

  test(`stale counters are purged, live ones kept [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const clock = manualClock();
    // No sweep of its own inside reserve(), which would leave nothing for purgeStale() to count.
    const throttle = createLoginThrottle(store.db, { now: clock.now, random: () => 0.5 });
    await throttle.reserve({ login: 'old@example.org', address: '198.51.100.1' });
    clock.advance(2 * 60 * 60 * 1000);
    await throttle.reserve({ login: 'new@example.org', address: '198.51.100.2' });
    t.is(await throttle.purgeStale(), 3);
    t.is(await store.db.throttleCounter.count(), 3);
  });

  test(`an IPv6 attacker cannot rotate addresses inside one /64 [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const throttle = createLoginThrottle(store.db, { now: manualClock().now });
    const decisions = [];
    for (let i = 0; i < 5; i += 1) {
      decisions.push(await throttle.reserve({ login: 'victim@example.org', address: `2001:db8:7:7::${i + 1}` }));
    }
    t.is(decisions.filter(allowed).length, 3);
  });

  test(`counters forget after a quiet window [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const clock = manualClock();
    const throttle = createLoginThrottle(store.db, { now: clock.now });
    const attempt = { login: 'quiet@example.org', address: '198.51.100.5' };
    for (let i = 0; i < 3; i += 1) await throttle.reserve(attempt);
    clock.advance(DEFAULT_THROTTLE_RULES.account.windowMs + 1000);
    for (let i = 0; i < 3; i += 1) t.true((await throttle.reserve(attempt)).allowed);
  });
}
