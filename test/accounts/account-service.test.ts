import test from 'ava';
import { createAccountService } from '../../src/accounts/account-service.ts';
import { AccountError } from '../../src/accounts/errors.ts';
import { argon2Hasher, type PasswordHasher } from '../../src/accounts/password-hashing.ts';
import { isSessionCurrent, loginTimestamp } from '../../src/accounts/session-epoch.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';
import argon2 from 'argon2';

const PASSWORD = 'lantern orchard velvet 42';

// Counts what the service asks of the hasher, to check the shape of each verification path.
function countingHasher(): PasswordHasher & { verifications: string[]; hashes: number } {
  const counter = {
    verifications: [] as string[],
    hashes: 0,
    async hash(password: string) {
      counter.hashes += 1;
      return argon2Hasher.hash(password);
    },
    async verify(hash: string, password: string) {
      counter.verifications.push(hash);
      return argon2Hasher.verify(hash, password);
    },
  };
  return counter;
}

for (const kind of storeKinds) {
  test(`createAccount lower-cases the email, keeps claims, and refuses duplicates [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const accounts = createAccountService(store.db);
    const created = await accounts.createAccount(
      {
        email: '  Alice@Example.ORG ',
        password: PASSWORD,
        profile: { name: 'Alice Liddell', given_name: 'Alice', locale: 'en-GB', address: { country: 'GB' } },
        groups: ['staff'],
        roles: ['editor'],
      },
      { actor: 'cli' },
    );
    t.is(created.email, 'alice@example.org');
    t.deepEqual(created.groups, ['staff']);
    t.false(created.isAdmin);
    t.is((await accounts.findByEmail('ALICE@example.org'))?.id, created.id);
    t.is((await accounts.findById(created.id))?.profile.name, 'Alice Liddell');

    const duplicate = await t.throwsAsync(accounts.createAccount({ email: 'alice@EXAMPLE.org', password: PASSWORD }));
    t.true(duplicate instanceof AccountError);
    t.is((duplicate as AccountError).code, 'email_taken');

    const events = await store.db.auditEvent.findMany({ where: { kind: 'account.created', subject: created.id } });
    t.is(events.length, 1);
    t.false(events[0]?.data.includes(PASSWORD));
  });

  test(`createAccount refuses weak passwords and bad claims with a clear message [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const accounts = createAccountService(store.db);
    const weak = await t.throwsAsync(accounts.createAccount({ email: 'bob@example.org', password: 'password' }));
    t.is((weak as AccountError).code, 'weak_password');
    t.regex(weak?.message ?? '', /15 characters/);
    const common = await t.throwsAsync(accounts.createAccount({ email: 'bob@example.org', password: 'passwordpassword' }));
    t.is((common as AccountError).code, 'weak_password');
    const badEmail = await t.throwsAsync(accounts.createAccount({ email: 'not-an-email', password: PASSWORD }));
    t.is((badEmail as AccountError).code, 'invalid_input');
    const badClaim = await t.throwsAsync(
      accounts.createAccount({ email: 'bob@example.org', password: PASSWORD, profile: { website: 'javascript:alert(1)' } }),
    );
    t.is((badClaim as AccountError).code, 'invalid_input');
    t.is(await store.db.account.count(), 0);
  });

  test(`verifyPassword: unknown, disabled and wrong all cost one hash and look the same [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const hasher = countingHasher();
    const accounts = createAccountService(store.db, { hasher });
    const account = await accounts.createAccount({ email: 'carol@example.org', password: PASSWORD });
    const disabled = await accounts.createAccount({ email: 'dave@example.org', password: PASSWORD });
    await accounts.disable(disabled.id);
    const federatedOnly = await accounts.createAccount({ email: 'erin@example.org' });
    t.false(federatedOnly.hasPassword);

    const outcomes = [];
    for (const [login, password] of [
      ['carol@example.org', 'wrong password entirely'],
      ['nobody@example.org', PASSWORD],
      ['dave@example.org', PASSWORD],
      ['erin@example.org', PASSWORD],
    ] as const) {
      hasher.verifications.length = 0;
      outcomes.push(await accounts.verifyPassword(login, password));
      // Structurally the same cost on every path: exactly one argon2 verification.
      t.is(hasher.verifications.length, 1, login);
      t.regex(hasher.verifications[0] ?? '', /^\$argon2id\$/);
    }
    for (const outcome of outcomes) t.deepEqual(outcome, { ok: false });

    const good = await accounts.verifyPassword('CAROL@example.org', PASSWORD);
    t.true(good.ok);
    t.is(good.account?.id, account.id);
  });

  test(`verifyPassword upgrades a hash made with weaker parameters [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const accounts = createAccountService(store.db);
    const account = await accounts.createAccount({ email: 'frank@example.org', password: PASSWORD });
    const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await store.db.account.update({ where: { id: account.id }, data: { passwordHash: weak } });
    t.true((await accounts.verifyPassword('frank@example.org', PASSWORD)).ok);
    const row = await store.db.account.findUniqueOrThrow({ where: { id: account.id } });
    t.not(row.passwordHash, weak);
    t.regex(row.passwordHash ?? '', /m=19456/);
    t.true((await accounts.verifyPassword('frank@example.org', PASSWORD)).ok);
  });

  test(`changePassword and disable end existing sessions [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const accounts = createAccountService(store.db);
    const account = await accounts.createAccount({ email: 'grace@example.org', password: PASSWORD });
    const sessionTs = loginTimestamp(account.sessionEpoch);
    t.true(isSessionCurrent(sessionTs, account.sessionEpoch));

    const weakChange = await t.throwsAsync(accounts.changePassword(account.id, 'short'));
    t.is((weakChange as AccountError).code, 'weak_password');

    const changed = await accounts.changePassword(account.id, 'a brand new passphrase 7', { actor: `self:${account.id}` });
    t.true(changed.sessionEpoch > account.sessionEpoch);
    t.false(isSessionCurrent(sessionTs, changed.sessionEpoch));
    t.false((await accounts.verifyPassword('grace@example.org', PASSWORD)).ok);
    t.true((await accounts.verifyPassword('grace@example.org', 'a brand new passphrase 7')).ok);

    const freshTs = loginTimestamp(changed.sessionEpoch);
    const disabled = await accounts.disable(account.id, { actor: 'admin:root' });
    t.true(disabled.disabled);
    t.false(isSessionCurrent(freshTs, disabled.sessionEpoch));
    t.false((await accounts.verifyPassword('grace@example.org', 'a brand new passphrase 7')).ok);
    t.is(await accounts.claimsFor(account.id, 'openid email'), undefined);

    const kinds = (await store.db.auditEvent.findMany({ where: { subject: account.id }, orderBy: { seq: 'asc' } })).map(
      (event) => event.kind,
    );
    t.deepEqual(kinds, ['account.created', 'account.password_changed', 'account.disabled']);
  });

  test(`claimsFor releases the standard claims per scope, plus groups and roles [${kind}]`, async (t) => {
    const store = await openTestStore(kind);
    t.teardown(() => store.dispose());
    const accounts = createAccountService(store.db);
    const account = await accounts.createAccount({
      email: 'heidi@example.org',
      emailVerified: true,
      password: PASSWORD,
      profile: {
        name: 'Heidi Klum',
        family_name: 'Klum',
        phone_number: '+49 30 1234567',
        address: { locality: 'Berlin', country: 'DE' },
      },
      groups: ['ops'],
      roles: ['admin'],
    });
    t.deepEqual(await accounts.claimsFor(account.id, 'openid'), { sub: account.id });
    t.deepEqual(await accounts.claimsFor(account.id, 'openid email'), {
      sub: account.id,
      email: 'heidi@example.org',
      email_verified: true,
    });
    const profile = await accounts.claimsFor(account.id, 'openid profile');
    t.like(profile, { sub: account.id, name: 'Heidi Klum', family_name: 'Klum' });
    t.is(typeof profile?.['updated_at'], 'number');
    t.false(profile !== undefined && 'email' in profile);
    t.deepEqual(await accounts.claimsFor(account.id, 'openid phone address groups roles'), {
      sub: account.id,
      phone_number: '+49 30 1234567',
      phone_number_verified: false,
      address: { locality: 'Berlin', country: 'DE' },
      groups: ['ops'],
      roles: ['admin'],
    });
    t.is(await accounts.claimsFor('no-such-account', 'openid'), undefined);
  });
}

test('stored claims that no longer validate are dropped one by one, not all at once', async (t) => {
  const { toAccountRecord } = await import('../../src/accounts/account-record.ts');
  const record = toAccountRecord({
    id: 'a',
    email: 'a@example.org',
    emailVerified: false,
    passwordHash: null,
    profile: { name: 'Kept', website: 'not a url', unknown_claim: 1 },
    groups: ['x', 3],
    roles: 'nope',
    isAdmin: false,
    disabled: false,
    sessionEpoch: 0,
    totpSecret: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  t.deepEqual(record.profile, { name: 'Kept' });
  t.deepEqual(record.groups, ['x']);
  t.deepEqual(record.roles, []);
  t.false(record.hasPassword);
});
