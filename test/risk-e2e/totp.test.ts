// TOTP and recovery codes on both stores: the drift window, a code used once, enrolment, removal,
// recovery codes used once, seeds sealed at rest, every change audited.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { consumeRecoveryCode, issueRecoveryCodes, normalizeRecoveryCode, remainingRecoveryCodes } from '../../src/accounts/recovery-codes.ts';
import { createTotpService, generateTotpSecret, matchTotp, totpCode, totpStep, totpUri } from '../../src/accounts/totp.ts';
import type { AuditEntry } from '../../src/audit/index.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

const T = Date.UTC(2026, 10, 23, 12, 0, 15);
const STEP = 30_000;

test('a code matches its own step and one step either side, not two', (t) => {
  const secret = generateTotpSecret();
  t.is(matchTotp(secret, totpCode(secret, T), T), totpStep(T));
  t.is(matchTotp(secret, totpCode(secret, T - STEP), T), totpStep(T) - 1);
  t.is(matchTotp(secret, totpCode(secret, T + STEP), T), totpStep(T) + 1);
  t.is(matchTotp(secret, totpCode(secret, T - 2 * STEP), T), null);
  t.is(matchTotp(secret, totpCode(secret, T + 2 * STEP), T), null);
  t.is(matchTotp(secret, 'abcdef', T), null);
  t.is(matchTotp(secret, `${totpCode(secret, T).slice(0, 3)} ${totpCode(secret, T).slice(3)}`, T), totpStep(T));
});

test('the otpauth URI is what authenticator apps read: SHA1, 6 digits, 30 s', (t) => {
  const uri = new URL(totpUri('JBSWY3DPEHPK3PXP', 'alice@example.test', 'Warden'));
  t.is(uri.protocol, 'otpauth:');
  t.is(uri.searchParams.get('algorithm'), 'SHA1');
  t.is(uri.searchParams.get('digits'), '6');
  t.is(uri.searchParams.get('period'), '30');
  t.is(uri.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
});

test('recovery codes normalize case, spaces and dashes', (t) => {
  t.is(normalizeRecoveryCode('K7F2-Q9XM-P3'), 'k7f2q9xmp3');
  t.is(normalizeRecoveryCode(' k7f2 q9xm p3 '), 'k7f2q9xmp3');
  t.is(normalizeRecoveryCode('k7f2-q9xm'), undefined);
  t.is(normalizeRecoveryCode('123456'), undefined);
});

for (const kind of storeKinds) {
  const setup = async (t: { teardown(fn: () => Promise<void>): void }) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const account = await s.db.account.create({ data: { id: `acct-${randomBytes(4).toString('hex')}`, email: 'totp@example.test', profile: {}, groups: [], roles: [] } });
    const audit: AuditEntry[] = [];
    let now = T;
    const totp = createTotpService({ db: s.db, secretKey: s.config.secretKey, audit: async (e) => void audit.push(e), now: () => now });
    return { s, id: account.id, audit, totp, at: (ms: number) => void (now = ms) };
  };

  test(`enrolment: pending secret, confirm with a code, sealed at rest, ten recovery codes [${kind}]`, async (t) => {
    const { s, id, audit, totp } = await setup(t);
    const pending = await totp.pendingEnrolment(id);
    t.deepEqual(await totp.pendingEnrolment(id), pending, 'the same pending secret until confirmed');
    t.false(await totp.isEnabled(id));
    t.is(await totp.confirmEnrolment(id, '000000'), null);
    const codes = await totp.confirmEnrolment(id, totpCode(pending.secret, T));
    t.is(codes?.length, 10);
    t.true(await totp.isEnabled(id));
    const row = await s.db.account.findUniqueOrThrow({ where: { id } });
    t.is(row.totpPendingSecret, null);
    t.true(row.totpSecret?.startsWith('wsb1.'));
    t.false(row.totpSecret?.includes(pending.secret));
    const hashes = await s.db.recoveryCode.findMany({ where: { accountId: id } });
    t.true(hashes.every((h) => h.codeHash.startsWith('$argon2id$')));
    t.deepEqual(audit.map((e) => e.kind), ['totp.enrolled']);
    t.false(JSON.stringify(audit).includes(pending.secret), 'the seed never reaches the audit log');
  });

  test(`a code works once: replay of a used code and of an older step fail [${kind}]`, async (t) => {
    const { id, totp, at } = await setup(t);
    const { secret } = await totp.pendingEnrolment(id);
    await totp.confirmEnrolment(id, totpCode(secret, T));
    t.false(await totp.verify(id, totpCode(secret, T)), 'the enrolment code is spent');
    at(T + STEP);
    const next = totpCode(secret, T + STEP);
    const [a, b] = await Promise.all([totp.verify(id, next), totp.verify(id, next)]);
    t.is(Number(a) + Number(b), 1, 'two parallel uses of one code: one passes');
    t.false(await totp.verify(id, next));
    at(T + 2 * STEP);
    t.false(await totp.verify(id, totpCode(secret, T + STEP)), 'a step before the last accepted one');
    t.true(await totp.verify(id, totpCode(secret, T + 3 * STEP)), 'one step ahead (clock drift)');
  });

  test(`recovery codes are single use [${kind}]`, async (t) => {
    const { s, id } = await setup(t);
    const codes = await issueRecoveryCodes(s.db, id);
    const [first = '', second = ''] = codes;
    t.true(await consumeRecoveryCode(s.db, id, first.toUpperCase()));
    t.false(await consumeRecoveryCode(s.db, id, first));
    t.is(await remainingRecoveryCodes(s.db, id), 9);
    t.false(await consumeRecoveryCode(s.db, 'someone-else', second));
    const [x, y] = await Promise.all([consumeRecoveryCode(s.db, id, second), consumeRecoveryCode(s.db, id, second)]);
    t.is(Number(x) + Number(y), 1);
    const fresh = await issueRecoveryCodes(s.db, id);
    t.false(await consumeRecoveryCode(s.db, id, codes[2] ?? ''), 'regenerating voids the old codes');
    t.true(await consumeRecoveryCode(s.db, id, fresh[0] ?? ''));
  });

  test(`removing TOTP and regenerating codes need a current code and are audited [${kind}]`, async (t) => {
    const { s, id, totp, audit, at } = await setup(t);
    const { secret } = await totp.pendingEnrolment(id);
    await totp.confirmEnrolment(id, totpCode(secret, T));
    at(T + STEP);
    t.is(await totp.regenerateRecoveryCodes(id, '123456'), null);
    t.is((await totp.regenerateRecoveryCodes(id, totpCode(secret, T + STEP)))?.length, 10);
    at(T + 2 * STEP);
    t.false(await totp.disable(id, '123456'));
    t.true(await totp.disable(id, totpCode(secret, T + 2 * STEP)));
    t.false(await totp.isEnabled(id));
    t.is(await s.db.recoveryCode.count({ where: { accountId: id } }), 0);
    t.deepEqual(audit.map((e) => e.kind), ['totp.enrolled', 'totp.recovery_codes_regenerated', 'totp.disabled']);
  });
}
