import test from 'ava';
import { accountRowReaders } from '../../src/accounts/account-rows.ts';
import { createAccountService } from '../../src/accounts/account-service.ts';
import { toAccountRecord } from '../../src/accounts/account-record.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

for (const kind of storeKinds) {
  test(`the plain-SQL account read equals Prisma's, field by field [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const accounts = createAccountService(s.db);
    const created = await accounts.createAccount({
      email: 'ada@example.com',
      emailVerified: true,
      password: 'an analytical engine passphrase',
      profile: { name: 'Ada Lovelace', phone_number: '+442079460958', address: { locality: 'London', country: 'GB' } },
      groups: ['mathematicians', 'engineers'],
      roles: ['admin'],
      isAdmin: true,
    });
    await accounts.disable(created.id);
    const viaPrisma = await s.db.account.findUnique({ where: { id: created.id } });
    const readers = accountRowReaders(s.db);
    const viaSql = await readers.byId(created.id);
    t.truthy(viaPrisma && viaSql);
    t.deepEqual(toAccountRecord(viaSql!), toAccountRecord(viaPrisma!));
    t.deepEqual(await readers.byEmail('ada@example.com'), viaSql);
    t.is(await readers.byId('no-such-id'), undefined);
    t.is(await readers.byEmail('nobody@example.com'), undefined);
  });
}
