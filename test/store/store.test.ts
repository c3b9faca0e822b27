import test from 'ava';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, sqlRunnerFor } from '../../src/store/index.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

test('an SQLite store creates its folders and runs in WAL mode with a busy timeout', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'warden-store-'));
  const dataDir = path.join(root, 'nested', 'data');
  const store = await openStore({ dataDir, databaseUrl: pathToFileURL(path.join(dataDir, 'db', 'w.db')).href });
  t.teardown(() => store.close());
  t.is(store.kind, 'sqlite');
  t.true(statSync(dataDir).isDirectory());
  t.true(existsSync(path.join(dataDir, 'db', 'w.db')));
  t.deepEqual(await store.db.$queryRawUnsafe('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
  t.deepEqual(await store.db.$queryRawUnsafe('PRAGMA busy_timeout'), [{ timeout: 15000 }]);
  t.deepEqual(await store.db.$queryRawUnsafe('PRAGMA synchronous'), [{ synchronous: 1 }]);
  t.deepEqual(await store.db.$queryRawUnsafe('PRAGMA foreign_keys'), [{ foreign_keys: 1 }]);
});

test('two stores on one SQLite file in one process share a client and never stall each other', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'warden-store-'));
  const config = { dataDir: root, databaseUrl: pathToFileURL(path.join(root, 'w.db')).href };
  const [a, b] = await Promise.all([openStore(config), openStore(config)]);
  t.is(a.db, b.db);
  const started = Date.now();
  await Promise.all([
    a.db.$transaction(async (tx) => {
      await tx.cookieKey.create({ data: { id: 'in-tx', secret: 's' } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.cookieKey.create({ data: { id: 'in-tx-2', secret: 's' } });
    }),
    // Starts while a's transaction holds the write lock: with two connections in one process this
    // stalled the event loop for the whole busy timeout and then failed with SQLITE_BUSY.
    new Promise((resolve) => setTimeout(resolve, 20)).then(() => b.db.cookieKey.create({ data: { id: 'outside', secret: 's' } })),
  ]);
  t.true(Date.now() - started < 5000);
  t.is(await b.db.cookieKey.count(), 3);
  await a.close();
  await a.close();
  t.is(await b.db.cookieKey.count(), 3, 'the other store still works after one closed');
  await b.close();
  const c = await openStore(config);
  t.teardown(() => c.close());
  t.not(c.db, a.db, 'a store opened after all closed gets a fresh client');
  t.is(await c.db.cookieKey.count(), 3);
});

for (const kind of storeKinds) {
  test(`relations cascade and unique constraints hold [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    await s.db.account.create({
      data: { id: 'a1', email: 'a@example.com', profile: {}, groups: [], roles: [], recoveryCodes: { create: [{ id: 'r1', codeHash: 'h' }] } },
    });
    await t.throwsAsync(s.db.account.create({ data: { id: 'a2', email: 'a@example.com', profile: {}, groups: [], roles: [] } }), {
      message: /Unique constraint/,
    });
    await s.db.account.delete({ where: { id: 'a1' } });
    t.is(await s.db.recoveryCode.count(), 0);
  });

  test(`json and date columns round-trip [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const at = new Date('2026-01-02T03:04:05.678Z');
    await s.db.signingKey.create({
      data: { kid: 'k1', alg: 'ES256', status: 'active', publicJwk: { kty: 'EC', crv: 'P-256', n: [1, 2] }, privateJwk: 'sealed', activateAfter: at },
    });
    const key = await s.db.signingKey.findUniqueOrThrow({ where: { kid: 'k1' } });
    t.deepEqual(key.publicJwk, { kty: 'EC', crv: 'P-256', n: [1, 2] });
    t.is(key.activateAfter.toISOString(), at.toISOString());
    t.is(await s.db.signingKey.count({ where: { activateAfter: { lte: new Date('2026-01-02T03:04:05.678Z') } } }), 1);
    t.is(await s.db.signingKey.count({ where: { activateAfter: { lt: at } } }), 0);
  });
}

for (const kind of storeKinds) {
  for (const durability of ['fast', 'full'] as const) {
    test(`WARDEN_DURABILITY=${durability}: what a crash may cost is what the store was told [${kind}]`, async (t) => {
      const s = await openTestStore(kind, { WARDEN_DURABILITY: durability });
      t.teardown(() => s.dispose());
      const sql = sqlRunnerFor(s.db);
      if (kind === 'sqlite') {
        const [row] = await sql.query('PRAGMA synchronous', []);
        // 1 = NORMAL, 2 = FULL
        t.is(Number(row?.synchronous), durability === 'full' ? 2 : 1);
        return;
      }
      // A write that may be lost records the session setting it was committed under.
      const record = (id: string, durable: boolean) =>
        sql.execute(
          `INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, current_setting('synchronous_commit'), ?)`,
          [id, sql.dateParam(new Date())],
          { durable },
        );
      await record('lossy', false);
      await record('durable', true);
      const rows = await s.db.cookieKey.findMany({ where: { id: { in: ['lossy', 'durable'] } }, orderBy: { id: 'asc' } });
      t.deepEqual(rows.map((r) => [r.id, r.secret]), [['durable', 'on'], ['lossy', durability === 'full' ? 'on' : 'off']]);
    });
  }
}
