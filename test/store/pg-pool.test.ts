import test from 'ava';
import { createNamedStatementPool, createStatementNamer } from '../../src/store/pg-pool.ts';
import { createTestDatabase, openTestStore } from '../helpers/store.ts';
import { sqlRunnerFor } from '../../src/store/index.ts';

test('parameterised statements get one stable name per text; others are left alone', (t) => {
  const nameOf = createStatementNamer(2);
  const a = nameOf({ text: 'SELECT $1', values: [1] }) as { name?: string };
  t.regex(a.name ?? '', /^warden_[\w-]{24}$/);
  t.is((nameOf({ text: 'SELECT $1', values: [2] }) as { name?: string }).name, a.name);
  t.not((nameOf({ text: 'SELECT $1 + 1', values: [2] }) as { name?: string }).name, a.name);
  // Over the limit: run unnamed rather than grow without bound.
  t.is((nameOf({ text: 'SELECT $1 + 2', values: [2] }) as { name?: string }).name, undefined);
  t.is((nameOf({ text: 'SELECT $1', values: [3] }) as { name?: string }).name, a.name);
  t.deepEqual(nameOf({ text: 'BEGIN', values: [] }), { text: 'BEGIN', values: [] });
  t.is((nameOf({ text: 'SELECT $1', values: [1], name: 'mine' }) as { name?: string }).name, 'mine');
  const submittable = { text: 'SELECT $1', values: [1], submit() {} };
  t.is(nameOf(submittable), submittable);
  t.is(nameOf('SELECT 1'), 'SELECT 1');
});

test('named statements run again and again across connections and inside transactions [postgresql]', async (t) => {
  const s = await openTestStore('postgresql');
  t.teardown(() => s.dispose());
  const sql = sqlRunnerFor(s.db);
  await sql.execute(`INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, ?) ON CONFLICT ("id") DO NOTHING`, ['h0']);
  // More parallel calls than the pool has connections, so several connections prepare the same name.
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => sql.query(`SELECT "seq" + CAST(? AS INTEGER) AS "n" FROM "AuditHead" WHERE "id" = 1`, [i])),
  );
  t.deepEqual(results.map((rows) => Number(rows[0]?.n)), Array.from({ length: 40 }, (_, i) => i));
  await sql.transaction(async (tx) => {
    await tx.execute(`UPDATE "AuditHead" SET "seq" = "seq" + CAST(? AS INTEGER) WHERE "id" = 1`, [5]);
    await tx.execute(`UPDATE "AuditHead" SET "seq" = "seq" + CAST(? AS INTEGER) WHERE "id" = 1`, [5]);
  });
  t.is((await s.db.auditHead.findUnique({ where: { id: 1 } }))?.seq, 10);
});

test('the pool for writes that may be lost commits without waiting for the WAL flush; the other waits; both plan generically without sequential scans [postgresql]', async (t) => {
  const database = await createTestDatabase('postgresql');
  const lossy = createNamedStatementPool(database.databaseUrl, { synchronousCommit: false });
  const durable = createNamedStatementPool(database.databaseUrl);
  t.teardown(async () => {
    await lossy.end();
    await durable.end();
    await database.dispose();
  });
  t.is((await lossy.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit, 'off');
  t.is((await durable.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit, 'on');
  for (const pool of [lossy, durable]) {
    t.is((await pool.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]?.plan_cache_mode, 'force_generic_plan');
    t.is((await pool.query<{ enable_seqscan: string }>('SHOW enable_seqscan')).rows[0]?.enable_seqscan, 'off');
  }
});
