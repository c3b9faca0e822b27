import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { openSqliteConnection, type SqliteConnectionOptions } from '../../src/store/sqlite-connection.ts';
import type { CheckpointResult } from '../../src/store/sqlite-checkpointer.ts';

function connection(t: { teardown(fn: () => void): void }, options: Partial<SqliteConnectionOptions> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'warden-sqlite-'));
  const client = openSqliteConnection(pathToFileURL(path.join(dir, 'test.db')).href, { busyTimeoutMs: 1000, ...options });
  t.teardown(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return client;
}

test('a kept statement sees later writes and new parameters each time it runs', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER)');
  for (let i = 1; i <= 5; i += 1) {
    await db.execute({ sql: 'INSERT INTO t (id, name, n) VALUES (?, ?, ?)', args: [i, `row ${i}`, i * 10] });
    const { rows, columns } = await db.execute({ sql: 'SELECT name, n FROM t WHERE id <= ? ORDER BY id', args: [i] });
    t.deepEqual(columns, ['name', 'n']);
    t.is(rows.length, i);
    t.is(rows[i - 1]?.[0], `row ${i}`);
    t.is(rows[i - 1]?.n, i * 10);
  }
  const update = await db.execute({ sql: 'UPDATE t SET n = n + 1 WHERE id > ?', args: [3] });
  t.is(update.rowsAffected, 2);
});

test('more distinct statements than the cache holds still run correctly, old ones again too', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  await db.execute({ sql: 'INSERT INTO t (id) VALUES (?), (?), (?)', args: [1, 2, 3] });
  const countBelow = (limit: number) => db.execute({ sql: `SELECT COUNT(*) AS c FROM t WHERE id < ${limit} + ?`, args: [0] });
  // 700 distinct statements: the first ones are evicted from the 500 kept, then prepared again.
  for (let i = 0; i < 700; i += 1) t.is((await countBelow(i)).rows[0]?.c, Math.min(Math.max(i - 1, 0), 3));
  t.is((await countBelow(0)).rows[0]?.c, 0);
  t.is((await countBelow(3)).rows[0]?.c, 2);
});

test('a failed statement rolls back its transaction and leaves the connection usable', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  const tx = await db.transaction('deferred');
  await tx.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: [1] });
  await t.throwsAsync(tx.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: [1] }), { message: /UNIQUE/ });
  await tx.rollback();
  t.is((await db.execute('SELECT COUNT(*) AS c FROM t')).rows[0]?.c, 0);
  const ok = await db.transaction('write');
  await ok.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: [2] });
  await ok.commit();
  t.is((await db.execute('SELECT id FROM t')).rows[0]?.id, 2);
});

test('integers beyond JavaScript numbers are refused rather than rounded', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (v INTEGER)');
  await db.execute({ sql: 'INSERT INTO t (v) VALUES (?)', args: [2n ** 60n] });
  await t.throwsAsync(db.execute('SELECT v FROM t'), { instanceOf: RangeError });
  await t.throwsAsync(db.execute({ sql: 'INSERT INTO t (v) VALUES (?)', args: [Number.NaN] }), { instanceOf: RangeError });
});

test('writes queued together commit as one group, each caller gets its own result or error', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  await db.statement('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'one']);
  const results = await Promise.allSettled([
    db.statement('INSERT INTO t (id, v) VALUES (?, ?)', [2, 'two']),
    db.statement('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'duplicate']),
    db.statement('UPDATE t SET v = ? WHERE id = ?', ['ONE', 1]),
    db.statement('INSERT INTO t (id, v) VALUES (?, ?) RETURNING id', [3, 'three']),
  ]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const [, duplicate, update, returning] = results;
  t.regex(String((duplicate as PromiseRejectedResult).reason), /UNIQUE/);
  t.is((update as PromiseFulfilledResult<{ rowsAffected: number }>).value.rowsAffected, 1);
  t.is((returning as PromiseFulfilledResult<{ rows: Array<{ id?: unknown }> }>).value.rows[0]?.id, 3);
  // The failed statement undid only itself.
  const { rows } = await db.statement('SELECT id, v FROM t ORDER BY id', []);
  t.deepEqual(rows.map((r) => [r.id, r.v]), [[1, 'ONE'], [2, 'two'], [3, 'three']]);
});

test('a write queued a turn or two after another joins its group: both settle in the same turn', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn += 1;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const settledAt: number[] = [];
  const first = db.statement('INSERT INTO t (id) VALUES (?)', [1]).then(() => settledAt.push(turn));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const second = db.statement('INSERT INTO t (id) VALUES (?)', [2]).then(() => settledAt.push(turn));
  await Promise.all([first, second]);
  ticking = false;
  t.is(settledAt[0], settledAt[1]);
  t.deepEqual((await db.statement('SELECT id FROM t ORDER BY id', [])).rows.map((r) => r.id), [1, 2]);
});

test('queued statements wait for an open transaction instead of joining it', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  const tx = await db.transaction('deferred');
  await tx.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: [1] });
  const queuedWrite = db.statement('INSERT INTO t (id) VALUES (?)', [2]);
  const queuedRead = db.statement('SELECT COUNT(*) AS c FROM t', []);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await tx.rollback();
  await queuedWrite;
  // The read ran after the rollback: it saw neither the rolled-back row nor more than the one queued before it.
  t.is((await queuedRead).rows[0]?.c, 1);
  t.deepEqual((await db.execute('SELECT id FROM t')).rows.map((r) => r.id), [2]);
});

test('Prisma\'s path sees every write acknowledged before it, and closing settles what is queued', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  const write = db.statement('INSERT INTO t (id) VALUES (?)', [7]);
  // Not yet flushed (that waits a few turns): the adapter path flushes first.
  t.is((await db.execute('SELECT COUNT(*) AS c FROM t')).rows[0]?.c, 1);
  await write;
  const last = db.statement('INSERT INTO t (id) VALUES (?)', [8]);
  db.close();
  await t.notThrowsAsync(last);
});

test('a connection that keeps writing hands its checkpoints to a background worker', async (t) => {
  const results: CheckpointResult[] = [];
  let done: () => void = () => undefined;
  const checkpointed = new Promise<void>((resolve) => (done = resolve));
  const db = connection(t, {
    backgroundCheckpointAfter: 5,
    onCheckpoint: (result) => {
      results.push(result);
      if (result.walFrames > 0 && result.checkpointed === result.walFrames) done();
    },
  });
  await db.execute('PRAGMA journal_mode = WAL');
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  for (let i = 0; i < 20; i += 1) await db.statement('INSERT INTO t (id, v) VALUES (?, ?)', [i, 'x'.repeat(500)]);
  // The commit-time checkpoint now waits for a much larger WAL; the worker copied this one already.
  t.is((await db.execute('PRAGMA wal_autocheckpoint')).rows[0]?.[0], 10_000);
  await checkpointed;
  t.true(results.some((r) => r.walFrames > 0 && r.checkpointed === r.walFrames));
  t.is((await db.statement('SELECT COUNT(*) AS c FROM t', [])).rows[0]?.c, 20);
});

test('after close every call fails with an error instead of reaching the closed database', async (t) => {
  const db = connection(t);
  await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  await db.statement('SELECT id FROM t WHERE id = ?', [1]);
  // Queued before close: flushed by it.
  const queued = db.statement('INSERT INTO t (id) VALUES (?)', [1]);
  db.close();
  await queued;
  // A write that arrives after a graceful shutdown closed the store (a record made after its response).
  const closed = { message: /closed/ };
  // libsql aborts the whole process when a closed database is asked whether it is in a transaction,
  // which the group commit's failure path did.
  await t.throwsAsync(db.unit((run) => run('INSERT INTO t (id) VALUES (?)', [3])), closed);
  await t.throwsAsync(db.statement('INSERT INTO t (id) VALUES (?)', [2]), closed);
  await t.throwsAsync(db.statement('SELECT id FROM t WHERE id = ?', [1]), closed);
  await t.throwsAsync(db.statement('SELECT id FROM t WHERE id > ?', [0]), closed);
  await t.throwsAsync(db.execute('SELECT 1'), closed);
  await t.throwsAsync(db.transaction('write'), closed);
  await t.throwsAsync(db.executeMultiple('SELECT 1'), closed);
});
