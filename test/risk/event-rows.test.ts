import test from 'ava';
import { riskEventRows, type RiskEventRow } from '../../src/risk/event-rows.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

const row = (over: Partial<RiskEventRow>): RiskEventRow => ({
  id: 'ev-1', at: new Date('2026-11-02T08:09:10.123Z'), kind: 'refresh', accountId: 'acct-1', login: null, clientId: 'portal',
  ip: '203.0.113.9', ipPrefix: '203.0.113.0/24', country: 'FR', latitude: 48.8566, longitude: 2.3522,
  userAgent: 'Mozilla/5.0 Firefox/121.0', browserFamily: 'Firefox', deviceId: null, success: true, tokenId: 'rt-1',
  grantId: 'g-1', features: { new_device: 1, hours_since_last: 12.5 }, score: 0.0123, decision: 'allow',
  reasons: ['new device', 'a "quoted" reason'], modelVersion: 'risk-test', ...over,
});

for (const kind of storeKinds) {
  test(`an event written by plain SQL reads back through Prisma field for field [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const rows = riskEventRows(s.db);
    const written = row({});
    await rows.insert(written);
    await rows.insert(row({ id: 'ev-2', success: false, decision: 'deny', accountId: null, login: 'who@example.org', latitude: null, longitude: null, country: null }));
    const back = await s.db.riskEvent.findUnique({ where: { id: 'ev-1' } });
    t.deepEqual(back, written);
    const failed = await s.db.riskEvent.findUnique({ where: { id: 'ev-2' } });
    t.like(failed, { success: false, decision: 'deny', accountId: null, login: 'who@example.org', latitude: null });
  });

  test(`first-use probes see only trusted events of the asked kinds [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const rows = riskEventRows(s.db);
    await rows.insert(row({ id: 'a', kind: 'password_login', decision: 'step_up' }));
    await rows.insert(row({ id: 'b', kind: 'password_login', success: false, decision: 'allow' }));
    t.false(await rows.accountHasTrusted('acct-1', ['password_login', 'federated_login']));
    t.false(await rows.clientHasTrusted('portal', 'password_login'));
    await rows.insert(row({ id: 'c', kind: 'federated_login' }));
    t.true(await rows.accountHasTrusted('acct-1', ['password_login', 'federated_login']));
    t.false(await rows.accountHasTrusted('acct-1', ['password_login']));
    t.false(await rows.accountHasTrusted('acct-2', ['federated_login']));
    t.true(await rows.clientHasTrusted('portal', 'federated_login'));
    t.false(await rows.clientHasTrusted('other', 'federated_login'));
    t.false(await rows.accountHasTrusted('acct-1', []));
  });
}

for (const kind of storeKinds) {
  test(`a new grant is linked to the newest trusted login from the same device, once [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const rows = riskEventRows(s.db);
    const logins = ['password_login', 'federated_login'];
    const login = (id: string, minute: number, over: Partial<RiskEventRow> = {}) =>
      rows.insert(row({ id, kind: 'password_login', at: new Date(Date.UTC(2026, 10, 2, 8, minute)), deviceId: 'dev-1', tokenId: null, grantId: null, ...over }));
    await login('older', 1);
    await login('newest', 5);
    await login('failed-later', 6, { success: false, decision: 'deny' });
    await login('stepped-up-later', 7, { decision: 'step_up' });
    await login('other-device-later', 8, { deviceId: 'dev-2' });
    await login('other-account-later', 9, { accountId: 'acct-2' });

    t.true(await rows.linkLogin('grant-a', 'acct-1', 'dev-1', logins));
    const grantOf = async (id: string) => (await s.db.riskEvent.findUniqueOrThrow({ where: { id } })).grantId;
    t.is(await grantOf('newest'), 'grant-a');
    for (const id of ['older', 'failed-later', 'stepped-up-later', 'other-device-later', 'other-account-later']) t.is(await grantOf(id), null, id);

    // A second grant of the same sign-in does not take the login from the first: it falls to the
    // older unlinked trusted login, and with none left there is nothing to link.
    t.true(await rows.linkLogin('grant-b', 'acct-1', 'dev-1', logins));
    t.is(await grantOf('newest'), 'grant-a');
    t.is(await grantOf('older'), 'grant-b');
    t.false(await rows.linkLogin('grant-c', 'acct-1', 'dev-1', logins));
    t.false(await rows.linkLogin('grant-d', 'acct-1', 'dev-unknown', logins));
    t.false(await rows.linkLogin('grant-e', 'acct-1', 'dev-1', []));
  });
}
