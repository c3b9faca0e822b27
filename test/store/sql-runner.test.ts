import test from 'ava';
import { sqlRunnerFor } from '../../src/store/index.ts';
import { createDb } from '../../src/store/db.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

// A zone far from UTC: DateTime values must not shift with the process's time zone.
process.env.TZ = 'Pacific/Kiritimati';

for (const kind of storeKinds) {
  test(`atomic units read, compute and write without another unit in between [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    await sql.execute('INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, ?)', ['']);
    // Read-modify-write in JavaScript: twenty at once lose no update.
    const increment = (i: number) =>
      sql.atomic(function* () {
        const [head] = yield { sql: 'UPDATE "AuditHead" SET "seq" = "seq" WHERE "id" = 1 RETURNING "seq", "hash"', params: [] };
        const seq = Number(head?.seq) + 1;
        yield { sql: 'UPDATE "AuditHead" SET "seq" = ?, "hash" = ? WHERE "id" = 1', params: [seq, `${head?.hash ?? ''}${i},`] };
        return seq;
      });
    const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => increment(i)));
    t.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    const head = await s.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    t.is(head.seq, 20);
    t.is(head.hash.split(',').filter(Boolean).length, 20);
  });

  test(`every way into the store refuses a NUL or an unpaired surrogate before the database sees it [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    const insert = 'INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, ?)';
    for (const bad of ['a\u0000b', '\ud800']) {
      const refused = { name: 'UnstorableTextError' };
      await t.throwsAsync(sql.query('SELECT "seq" FROM "AuditHead" WHERE "hash" = ?', [bad]), refused);
      await t.throwsAsync(sql.execute(insert, [bad]), refused);
      await t.throwsAsync(sql.insert(insert, [bad]), refused);
      await t.throwsAsync(sql.atomic(function* () {
        yield { sql: insert, params: [bad] };
      }), refused);
      await t.throwsAsync(sql.transaction((tx) => tx.execute(insert, [bad])), refused);
    }
    t.is(await s.db.auditHead.count(), 0);
    // Ordinary text, emoji (a surrogate pair) included, goes through.
    await sql.execute(insert, ['plain \u00e9 \ud83d\ude00']);
    t.is((await s.db.auditHead.findUniqueOrThrow({ where: { id: 1 } })).hash, 'plain \u00e9 \ud83d\ude00');
  });

  test(`a unit that throws is undone whole; writes queued beside it are kept [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    const failing = sql.atomic(function* () {
      yield { sql: 'INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ?, ?)', params: ['undone', 's', sql.dateParam(new Date())] };
      throw new Error('changed my mind');
    });
    const beside = sql.execute('INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ?, ?)', ['kept', 's', sql.dateParam(new Date())]);
    await t.throwsAsync(failing, { message: 'changed my mind' });
    t.is(await beside, 1);
    t.deepEqual((await s.db.cookieKey.findMany()).map((k) => k.id), ['kept']);
  });

  test(`dates written by plain SQL read back the same through Prisma and the reverse [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    const at = new Date('2026-01-02T03:04:05.678Z');
    await sql.execute('INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ?, ?)', ['plain', 's', sql.dateParam(at)]);
    await s.db.cookieKey.create({ data: { id: 'prisma', secret: 's', createdAt: at } });
    t.is((await s.db.cookieKey.findUniqueOrThrow({ where: { id: 'plain' } })).createdAt.toISOString(), at.toISOString());
    const rows = await sql.query('SELECT "id", "createdAt" FROM "CookieKey" ORDER BY "id"', []);
    t.deepEqual(rows.map((row) => [row.id, sql.readDate(row.createdAt)?.toISOString()]), [
      ['plain', at.toISOString()],
      ['prisma', at.toISOString()],
    ]);
    const later = await sql.query('SELECT "id" FROM "CookieKey" WHERE "createdAt" > ?', [sql.dateParam(new Date(at.getTime() - 1))]);
    t.is(later.length, 2);
    const none = await sql.query('SELECT "id" FROM "CookieKey" WHERE "createdAt" > ?', [sql.dateParam(at)]);
    t.is(none.length, 0);
  });

  test(`plain SQL waits for an open Prisma transaction instead of failing [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    await Promise.all([
      s.db.$transaction(async (tx) => {
        await tx.cookieKey.create({ data: { id: 'tx-1', secret: 's' } });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.cookieKey.create({ data: { id: 'tx-2', secret: 's' } });
      }),
      new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
        sql.execute('INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ?, ?)', ['plain', 's', sql.dateParam(new Date())]),
      ),
    ]);
    t.is(await s.db.cookieKey.count(), 3);
  });

  test(`transactions commit when the work resolves and roll back when it throws [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    const insert = 'INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ?, ?)';
    const value = await sql.transaction(async (tx) => {
      await tx.execute(insert, ['kept', 's', sql.dateParam(new Date())]);
      return (await tx.query('SELECT COUNT(*) AS "n" FROM "CookieKey"', []))[0]?.n;
    });
    t.is(Number(value), 1);
    await t.throwsAsync(
      sql.transaction(async (tx) => {
        await tx.execute(insert, ['dropped', 's', sql.dateParam(new Date())]);
        throw new Error('changed my mind');
      }),
      { message: 'changed my mind' },
    );
    await t.throwsAsync(
      sql.transaction(async (tx) => {
        await tx.execute(insert, ['dropped-too', 's', sql.dateParam(new Date())]);
        await tx.execute(insert, ['kept', 's', sql.dateParam(new Date())]);
      }),
    );
    t.deepEqual((await s.db.cookieKey.findMany()).map((key) => key.id), ['kept']);
    // The connection is usable afterwards, inside and outside transactions.
    await sql.transaction((tx) => tx.execute(insert, ['after', 's', sql.dateParam(new Date())]));
    t.is(await s.db.cookieKey.count(), 2);
  });

  test(`a runner connects its client on first use [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const db = createDb(s.databaseUrl);
    t.teardown(() => db.$disconnect());
    const rows = await sqlRunnerFor(db).query('SELECT COUNT(*) AS "n" FROM "CookieKey"', []);
    t.is(Number(rows[0]?.n), 0);
  });
}

test('a Prisma client from elsewhere has no runner', async (t) => {
  const s = await openTestStore('sqlite');
  t.teardown(() => s.dispose());
  t.throws(() => sqlRunnerFor(Object.create(s.db)), { message: /not created by openStore/ });
});
