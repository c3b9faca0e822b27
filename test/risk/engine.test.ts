// The engine against real stores (SQLite and PostgreSQL): features from RiskEvent history, decisions,
// stored rows and audit entries.
import test from 'ava';
import { createRiskEngine, type RiskAuditEntry } from '../../src/risk/engine.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';
import { CHROME, DAY, FIREFOX, T0, seedHistory } from './helpers.ts';

const CA = '24.48.0.1';
const now = new Date(T0 + 30 * DAY + 5 * 60_000);
const alice = { accountId: 'acct-alice', ip: CA, deviceId: 'dev-alice', userAgent: CHROME, clientId: 'portal', days: 30 };

for (const kind of storeKinds) {
  const setup = async (t: { teardown(fn: () => Promise<void>): void }, mode: 'enforce' | 'monitor' | 'off' = 'enforce') => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    await seedHistory(s.db, alice);
    const audit: RiskAuditEntry[] = [];
    const engine = createRiskEngine({ db: s.db, mode, audit: async (e) => void audit.push(e) });
    return { s, engine, audit };
  };
  const openStoreFor = async (t: { teardown(fn: () => Promise<void>): void }) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    return s;
  };
  const aliceLogin = (over: Record<string, unknown> = {}) => ({
    kind: 'password_login' as const, at: now, ip: CA, userAgent: CHROME, clientId: 'portal', success: true,
    accountId: 'acct-alice', login: 'alice@example.org', deviceId: 'dev-alice', ...over,
  });

  test(`a returning user from a known device is allowed and recorded [${kind}]`, async (t) => {
    const { s, engine, audit } = await setup(t);
    const r = await engine.assess(aliceLogin());
    t.is(r.decision, 'allow', JSON.stringify(r));
    t.is(r.userMessage, '');
    const row = await s.db.riskEvent.findUniqueOrThrow({ where: { id: r.eventId ?? '' } });
    t.is(row.decision, 'allow');
    t.is(row.country, 'CA');
    t.is(row.ipPrefix, '24.48.0.0/24');
    t.is(row.browserFamily, 'Chrome');
    t.is(row.modelVersion, r.modelVersion);
    // A UUIDv7 of the event's own time (src/risk/event-id.ts): new rows append to the key's index.
    t.regex(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    t.is(parseInt(row.id.replace(/-/g, '').slice(0, 12), 16), row.at.getTime());
    t.is((row.features as Record<string, number>)['new_device'], 0);
    t.is(audit.length, 1);
    t.is(audit[0]?.kind, 'risk.decision');
    t.is(audit[0]?.data['eventId'], r.eventId);
  });

  test(`a new country and a new device ask for step-up, with reasons [${kind}]`, async (t) => {
    const { engine } = await setup(t);
    const r = await engine.assess(aliceLogin({ ip: '133.242.0.1', deviceId: undefined, userAgent: FIREFOX }));
    t.not(r.decision, 'allow', JSON.stringify(r));
    t.true(r.reasons.length > 0);
    t.true(r.reasons.some((x) => /new device|country never seen|travel/.test(x)), r.reasons.join('; '));
    t.notRegex(r.userMessage, /country|device/);
  });

  test(`a passed step-up makes the device trusted history [${kind}]`, async (t) => {
    const { engine, s } = await setup(t);
    const ctx = aliceLogin({ deviceId: 'dev-new', userAgent: FIREFOX, ip: '8.8.8.8' });
    const first = await engine.assess(ctx);
    t.is(first.decision, 'step_up', JSON.stringify(first));
    await engine.resolveStepUp(first.eventId ?? '', true);
    const row = await s.db.riskEvent.findUniqueOrThrow({ where: { id: first.eventId ?? '' } });
    t.is(row.decision, 'allow');
    t.true((row.reasons as string[]).includes('second factor verified'));
    const again = await engine.assess({ ...ctx, at: new Date(now.getTime() + 60_000) });
    t.is((await s.db.riskEvent.findUniqueOrThrow({ where: { id: again.eventId ?? '' } })).features instanceof Object, true);
    const f = (await s.db.riskEvent.findUniqueOrThrow({ where: { id: again.eventId ?? '' } })).features as Record<string, number>;
    t.is(f['new_device'], 0);
    t.is(f['new_prefix'], 0);
  });

  test(`a credential-stuffing burst is denied and a real user elsewhere is not affected [${kind}]`, async (t) => {
    const { engine } = await setup(t);
    const bot = '85.214.132.117';
    for (let i = 0; i < 40; i++) {
      await engine.assess({ kind: 'password_login', at: new Date(now.getTime() - (40 - i) * 5_000), ip: bot,
        userAgent: 'python-requests/2.31', success: false, login: `victim${i}@example.org` });
    }
    const hit = await engine.assess(aliceLogin({ ip: bot, deviceId: undefined, userAgent: 'python-requests/2.31' }));
    t.is(hit.decision, 'deny', JSON.stringify(hit));
    t.true(hit.reasons.some((x) => /failed sign-ins from this (address|network)/.test(x)), hit.reasons.join('; '));
    const real = await engine.assess(aliceLogin({ at: new Date(now.getTime() + 1000) }));
    t.is(real.decision, 'allow', JSON.stringify(real));
  });

  test(`a replayed refresh token is denied with the reason recorded [${kind}]`, async (t) => {
    const { engine, s } = await setup(t);
    const refresh = { kind: 'refresh' as const, at: now, ip: CA, userAgent: CHROME, clientId: 'portal', success: true,
      accountId: 'acct-alice', grantId: 'grant-1', tokenId: 'rt-1' };
    const first = await engine.assess(refresh);
    t.is(first.decision, 'allow', JSON.stringify(first));
    const replay = await engine.assess({ ...refresh, at: new Date(now.getTime() + 60_000), ip: '85.214.132.117' });
    t.is(replay.decision, 'deny');
    const row = await s.db.riskEvent.findUniqueOrThrow({ where: { id: replay.eventId ?? '' } });
    t.is(row.decision, 'deny');
    t.regex((row.reasons as string[])[0] ?? '', /already used/);
    const flagged = await engine.assess({ ...refresh, tokenId: 'rt-2', tokenConsumed: true });
    t.is(flagged.decision, 'deny');
  });

  test(`replayed and over-scoped token exchanges are denied [${kind}]`, async (t) => {
    const { engine } = await setup(t);
    const exchange = { kind: 'token_exchange' as const, at: now, ip: '8.8.8.8', userAgent: 'undici', clientId: 'gateway',
      success: true, accountId: 'acct-alice', actorDepth: 1, requestedScopes: ['openid'], requestedAudiences: ['https://api'],
      subject: { tokenId: 'jti-1', issuer: 'self', issuedAt: new Date(now.getTime() - 60_000), scopes: ['openid', 'email'], audiences: ['https://api'] } };
    const first = await engine.assess(exchange);
    t.is(first.decision, 'allow', JSON.stringify(first));
    const replay = await engine.assess({ ...exchange, at: new Date(now.getTime() + 1000) });
    t.is(replay.decision, 'deny');
    t.regex(replay.reasons[0] ?? '', /already exchanged/);
    const wide = await engine.assess({ ...exchange, subject: { ...exchange.subject, tokenId: 'jti-2' }, requestedScopes: ['openid', 'admin'] });
    t.is(wide.decision, 'deny');
    t.regex(wide.reasons.join(' '), /beyond the subject token/);
  });

  test(`a brand-new account's first login is trusted on first use, then known [${kind}]`, async (t) => {
    const { engine, s } = await setup(t);
    const bob = { kind: 'password_login' as const, at: now, ip: '8.8.8.8', userAgent: CHROME, clientId: 'portal',
      success: true, accountId: 'acct-bob', login: 'bob@example.org', deviceId: 'dev-bob' };
    // With a second factor the account can answer a step-up, so first use lifts nothing (and is not
    // recorded as trusted: the next call is still a first sign-in).
    const withFactor = await engine.assess(bob, { hasSecondFactor: true });
    t.is(withFactor.decision, 'step_up', JSON.stringify(withFactor));
    const first = await engine.assess(bob, { hasSecondFactor: false });
    t.is(first.decision, 'allow', JSON.stringify(first));
    t.regex(first.reasons[0] ?? '', /^first sign-in of this account/);
    const row = await s.db.riskEvent.findUniqueOrThrow({ where: { id: first.eventId ?? '' } });
    t.regex((row.reasons as string[])[0] ?? '', /^first sign-in of this account/, 'the reason is on the RiskEvent');
    const second = await engine.assess({ ...bob, at: new Date(now.getTime() + DAY) });
    t.is(second.decision, 'allow', JSON.stringify(second));
    t.notRegex(second.reasons.join(' '), /first sign-in of this account/);
    const strict = createRiskEngine({ db: (await openStoreFor(t)).db, mode: 'enforce', trustOnFirstUse: false });
    t.is((await strict.assess(bob)).decision, 'step_up');
  });

  test(`monitor mode records the policy's decision without blocking [${kind}]`, async (t) => {
    const { engine, s, audit } = await setup(t, 'monitor');
    const r = await engine.assess(aliceLogin({ ip: '133.242.0.1', deviceId: undefined, userAgent: FIREFOX }));
    t.is(r.decision, 'allow');
    t.not(r.policyDecision, 'allow');
    const row = await s.db.riskEvent.findUniqueOrThrow({ where: { id: r.eventId ?? '' } });
    t.regex((row.reasons as string[])[0] ?? '', /^monitor mode: policy decided/);
    t.is(audit[0]?.data['policyDecision'], r.policyDecision);
  });

  test(`off mode scores and stores nothing [${kind}]`, async (t) => {
    const { engine, s, audit } = await setup(t, 'off');
    const before = await s.db.riskEvent.count();
    const r = await engine.assess(aliceLogin({ ip: '133.242.0.1' }));
    t.is(r.decision, 'allow');
    t.is(r.eventId, null);
    t.is(await s.db.riskEvent.count(), before);
    t.is(audit.length, 0);
  });

  test(`linkGrant gives a grant the account's newest trusted login from the device, and off mode links nothing [${kind}]`, async (t) => {
    const { engine, s } = await setup(t);
    const newest = await s.db.riskEvent.findFirstOrThrow({ where: { accountId: 'acct-alice', deviceId: 'dev-alice' }, orderBy: { at: 'desc' } });
    t.true(await engine.linkGrant({ grantId: 'grant-1', accountId: 'acct-alice', deviceId: 'dev-alice' }));
    t.is((await s.db.riskEvent.findUniqueOrThrow({ where: { id: newest.id } })).grantId, 'grant-1');
    t.false(await engine.linkGrant({ grantId: 'grant-2', accountId: 'acct-alice', deviceId: 'dev-unknown' }));

    const off = createRiskEngine({ db: s.db, mode: 'off' });
    t.false(await off.linkGrant({ grantId: 'grant-3', accountId: 'acct-alice', deviceId: 'dev-alice' }));
    t.is(await s.db.riskEvent.count({ where: { grantId: 'grant-3' } }), 0);
  });

  test(`loopback and private addresses are unknown, not new [${kind}]`, async (t) => {
    const { engine, s } = await setup(t);
    const r = await engine.assess(aliceLogin({ ip: '::ffff:192.168.1.20' }));
    const row = await s.db.riskEvent.findUniqueOrThrow({ where: { id: r.eventId ?? '' } });
    const f = row.features as Record<string, number>;
    t.is(row.ip, '192.168.1.20');
    t.is(row.country, null);
    t.is(f['geo_unknown'], 1);
    t.is(f['new_country'], 0);
    t.is(f['travel_km'], 0);
  });

  test(`a decision is recorded only when its row and its audit entry are both stored [${kind}]`, async (t) => {
    const s = await openStoreFor(t);
    await seedHistory(s.db, alice);
    // What the audit write finds when it starts. On PostgreSQL the row's commit skips its own WAL flush
    // and relies on the audit entry's, which covers it only if the row committed first.
    const rowsSeenByAudit: number[] = [];
    const engine = createRiskEngine({
      db: s.db, mode: 'enforce',
      audit: async (e) => {
        rowsSeenByAudit.push(await s.db.riskEvent.count({ where: { id: String(e.subject) } }));
      },
    });
    const r = await engine.assess(aliceLogin());
    t.is(await s.db.riskEvent.count({ where: { id: r.eventId ?? '' } }), 1);
    t.is(rowsSeenByAudit.length, 1);
    // (SQLite issues both together into one group commit: what the audit write sees there depends on
    // when that commit happens.)
    if (kind === 'postgresql') t.deepEqual(rowsSeenByAudit, [1]);

    const failing = createRiskEngine({ db: s.db, mode: 'enforce', audit: async () => Promise.reject(new Error('audit log unavailable')) });
    await t.throwsAsync(() => failing.assess(aliceLogin()), { message: 'audit log unavailable' });
    const pending = await failing.assessRecordingLater(aliceLogin());
    await t.throwsAsync(() => pending.recorded, { message: 'audit log unavailable' }, 'the caller that answers after recording learns of it');
  });

  test(`invalid contexts are rejected at the edge [${kind}]`, async (t) => {
    const { engine } = await setup(t);
    await t.throwsAsync(() => engine.assess({ kind: 'password_login', ip: '', success: true, login: 'x' }));
  });
}
