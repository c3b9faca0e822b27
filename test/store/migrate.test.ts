import test from 'ava';
import { createTestDatabase, openTestStore, storeKinds } from '../helpers/store.ts';
import { migrate, openStore, type MigrateResult } from '../../src/store/index.ts';
import { runStoreWorker } from '../helpers/processes.ts';
import { readMigrations } from '../../src/store/migrate.ts';

const committed = readMigrations('sqlite').map((migration) => migration.name);

for (const kind of storeKinds) {
  test(`migrations apply on a fresh database, then nothing is pending [${kind}]`, async (t) => {
    const database = await createTestDatabase(kind);
    t.teardown(() => database.dispose());
    const first = await migrate(database);
    t.deepEqual(first.applied, readMigrations(kind).map((migration) => migration.name));
    t.true(first.applied.length > 0);
    const second = await migrate(database);
    t.deepEqual(second.applied, []);
  });

  test(`two processes migrating one fresh database at once apply each migration exactly once [${kind}]`, async (t) => {
    const database = await createTestDatabase(kind);
    t.teardown(() => database.dispose());
    const worker = () => runStoreWorker<MigrateResult>(['migrate', database.databaseUrl]);
    const results = await Promise.all([worker(), worker(), worker()]);
    const applied = results.flatMap((result) => result.applied).sort();
    t.deepEqual(applied, readMigrations(kind).map((migration) => migration.name).sort());
    const store = await openStore(database, { migrate: false });
    t.teardown(() => store.close());
    const rows = await store.db.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM "_prisma_migrations"',
    );
    t.is(rows.length, readMigrations(kind).length);
  });

  test(`openTestStore gives a working, migrated store with a matching config [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    t.is(s.store.kind, kind);
    t.is(s.config.storeKind, kind);
    t.is(s.config.databaseUrl, s.databaseUrl);
    await s.db.cookieKey.create({ data: { id: 'k1', secret: 'sealed' } });
    t.is(await s.db.cookieKey.count(), 1);
  });

  test(`a migration edited after it ran is refused [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    await s.db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET checksum = 'tampered'`);
    await t.throwsAsync(migrate(s), { message: /changed after it was applied/ });
  });
}

test('both stores have the same migration names', (t) => {
  t.deepEqual(readMigrations('postgresql').map((migration) => migration.name), committed);
});
