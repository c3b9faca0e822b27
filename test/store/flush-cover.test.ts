import test from 'ava';
import { announceCover, uncoveredWrites, withFlushCover } from '../../src/store/flush-cover.ts';
import { sqlRunnerFor, type SqlRunner } from '../../src/store/index.ts';
import { serveSettling } from '../helpers/settling-app.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

// Each row records the synchronous_commit of the session that wrote it: 'off' is a commit that did
// not wait for its WAL flush.
// (SQLite has one connection and no such setting.)
const recordSession = (sql: SqlRunner) =>
  `INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ${sql.kind === 'postgresql' ? `current_setting('synchronous_commit')` : `'sqlite'`}, ?)`;
const record = (sql: SqlRunner, id: string, durable?: boolean | 'before-answer') =>
  sql.execute(recordSession(sql), [id, sql.dateParam(new Date())], durable === undefined ? undefined : { durable });

async function sessions(sql: SqlRunner): Promise<Record<string, unknown>> {
  const rows = await sql.query('SELECT "id", "secret" FROM "CookieKey"', []);
  return Object.fromEntries(rows.map((r) => [String(r.id), r.secret]));
}

test('a write made while a durable write is announced leaves its flush to it; the durable write starts after its commit [postgresql]', async (t) => {
  const s = await openTestStore('postgresql');
  t.teardown(() => s.dispose());
  const sql = sqlRunnerFor(s.db);
  await withFlushCover(async () => {
    const cover = announceCover();
    const deferred = record(sql, 'deferred', 'before-answer');
    let seenByCover = -1;
    await cover.write(async () => {
      // From another session: the deferred write has committed before the cover's statement goes out.
      seenByCover = await s.db.cookieKey.count({ where: { id: 'deferred' } });
      await record(sql, 'cover');
    });
    t.is(await deferred, 1);
    t.is(seenByCover, 1);
    t.is(await uncoveredWrites(), 0);
    // The cover has started: a later write has no flush to count on and waits for its own.
    await record(sql, 'late', 'before-answer');
  });
  t.deepEqual(await sessions(sql), { deferred: 'off', cover: 'on', late: 'on' });
});

test('without an announced durable write, outside a request, and under WARDEN_DURABILITY=full, a write waits for its own flush [postgresql]', async (t) => {
  const s = await openTestStore('postgresql');
  t.teardown(() => s.dispose());
  const sql = sqlRunnerFor(s.db);
  await withFlushCover(async () => {
    await record(sql, 'unannounced', 'before-answer');
    const withdrawn = announceCover();
    withdrawn.withdraw();
    await record(sql, 'withdrawn', 'before-answer');
    t.is(await uncoveredWrites(), 0);
  });
  announceCover();
  await record(sql, 'no-request', 'before-answer');
  await record(sql, 'lossy', false);
  t.deepEqual(await sessions(sql), { unannounced: 'on', withdrawn: 'on', 'no-request': 'on', lossy: 'off' });

  const full = await openTestStore('postgresql', { WARDEN_DURABILITY: 'full' });
  t.teardown(() => full.dispose());
  const fullSql = sqlRunnerFor(full.db);
  await withFlushCover(async () => {
    const cover = announceCover();
    await record(fullSql, 'announced', 'before-answer');
    await cover.write(() => record(fullSql, 'cover'));
  });
  t.deepEqual(await sessions(fullSql), { announced: 'on', cover: 'on' });
});

for (const kind of storeKinds) {
  test(`a request whose write still waits for a flush when it is due to answer fails instead [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    const { url, close } = await serveSettling(async (ctx) => {
      const cover = announceCover();
      await record(sql, ctx.path.slice(1), 'before-answer');
      // Not handed to awaitBeforeAnswering: the safety net alone must hold the answer back.
      void cover.write(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (ctx.path === '/fails') throw new Error('audit log unavailable');
        await record(sql, `${ctx.path.slice(1)}-cover`);
      }).catch(() => undefined);
      ctx.body = 'issued';
    });
    t.teardown(close);

    const ok = await fetch(`${url}/ok`);
    t.is(ok.status, 200);
    t.is(await ok.text(), 'issued');
    t.is(await s.db.cookieKey.count({ where: { id: 'ok-cover' } }), 1, 'the cover was stored before the answer');
    const failed = await fetch(`${url}/fails`);
    // On SQLite nothing is left to a cover, so only PostgreSQL's answer depends on it.
    t.is(failed.status, kind === 'postgresql' ? 500 : 200);
  });
}
