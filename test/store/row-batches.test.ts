import test from 'ava';
import { createRowBatcher, multiRowStatement, MAX_ROWS_PER_STATEMENT } from '../../src/store/pg-row-batches.ts';
import { sqlRunnerFor, type SqlValue } from '../../src/store/index.ts';
import { prismaAdapter, upsertPayload } from '../../src/oidc/prisma-adapter.ts';
import { insertRiskEvent } from '../../src/risk/event-rows.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

test('a row of placeholders and literals is repeated once per row, the rest of the statement kept', (t) => {
  t.is(
    multiRowStatement('INSERT INTO "T" ("a", "b", "c") VALUES (?, TRUE, ?) ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"', 3),
    'INSERT INTO "T" ("a", "b", "c") VALUES (?, TRUE, ?), (?, TRUE, ?), (?, TRUE, ?) ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"',
  );
  t.throws(() => multiRowStatement('UPDATE "T" SET "a" = ?', 2), { message: /one VALUES/ });
});

test('rows issued in one turn leave as one statement per text and durability, at most 64 rows each, in order', async (t) => {
  const calls: Array<{ sql: string; params: SqlValue[]; durable: boolean }> = [];
  const insert = createRowBatcher(async (sql, params, durable) => {
    calls.push({ sql, params, durable });
  });
  const a = 'INSERT INTO "A" ("x") VALUES (?)';
  const b = 'INSERT INTO "B" ("x", "y") VALUES (?, ?)';
  const rows = MAX_ROWS_PER_STATEMENT + 6;
  await Promise.all([
    ...Array.from({ length: rows }, (_, i) => insert(a, [i], true)),
    insert(b, ['one', 1], true),
    insert(b, ['two', 2], false),
  ]);
  const ofA = calls.filter((c) => c.sql.startsWith('INSERT INTO "A"'));
  t.deepEqual(ofA.map((c) => c.params.length), [MAX_ROWS_PER_STATEMENT, 6]);
  t.deepEqual(ofA.flatMap((c) => c.params), Array.from({ length: rows }, (_, i) => i));
  // One row alone keeps its own text; lossy and durable rows never share a statement.
  t.deepEqual(calls.filter((c) => c.sql === b).map((c) => [c.params, c.durable]), [[['one', 1], true], [['two', 2], false]]);
  await t.throwsAsync(insert('DELETE FROM "A"', [], true), { message: /one VALUES/ });
});

test('a merged statement that fails is retried row by row, so each caller gets its own outcome', async (t) => {
  const attempts: number[] = [];
  const insert = createRowBatcher(async (_sql, params) => {
    attempts.push(params.length);
    if (params.includes('bad')) throw new Error(`refused ${params.length}`);
  });
  const sql = 'INSERT INTO "A" ("x") VALUES (?)';
  const outcomes = await Promise.allSettled([insert(sql, ['ok1'], true), insert(sql, ['bad'], true), insert(sql, ['ok2'], true)]);
  t.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.deepEqual(attempts, [3, 1, 1, 1]);
});

for (const kind of storeKinds) {
  // The batcher falls back to single rows when a merged statement fails, which would hide a merged
  // text the store rejects: the store's two batched statements run here as merged texts themselves.
  test(`the token upsert and the risk event insert are valid as multi-row statements [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    const now = sql.dateParam(new Date());
    const later = sql.dateParam(new Date(Date.now() + 60_000));
    const payload = (id: string): SqlValue[] => ['RefreshToken', id, JSON.stringify({ jti: id }), 'g1', null, null, later, null, now];
    t.is(await sql.execute(multiRowStatement(upsertPayload, 2), [...payload('rt-1'), ...payload('rt-2')]), 2);
    // Again: both rows now take the ON CONFLICT branch.
    t.is(await sql.execute(multiRowStatement(upsertPayload, 2), [...payload('rt-1'), ...payload('rt-2')]), 2);
    const event = (id: string): SqlValue[] => [
      id, now, 'refresh', 'acc', null, 'client', '192.0.2.1', '192.0.2.0/24', null, null, null, 'UA', 'Chrome', null,
      `tok-${id}`, 'g1', JSON.stringify({ new_device: 0 }), 0.01, 'allow', JSON.stringify([]), 'risk-mlp@test',
    ];
    t.is(await sql.execute(multiRowStatement(insertRiskEvent.true, 2), [...event('e1'), ...event('e2')]), 2);
    t.is(await sql.execute(multiRowStatement(insertRiskEvent.false, 2), [...event('e3'), ...event('e4')]), 2);
    const stored = await s.db.riskEvent.findMany({ orderBy: { id: 'asc' }, select: { id: true, success: true, features: true } });
    t.deepEqual(stored.map((e) => [e.id, e.success]), [['e1', true], ['e2', true], ['e3', false], ['e4', false]]);
    t.deepEqual(stored[0]?.features, { new_device: 0 });
  });

  test(`concurrent token saves are all stored, the same key twice keeps the later save, a bad row fails alone [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const Adapter = prismaAdapter(s.db);
    const tokens = new Adapter('AccessToken');
    const saves = Array.from({ length: 40 }, (_, i) =>
      tokens.upsert(`at-${i}`, { jti: `at-${i}`, kind: 'AccessToken', accountId: 'acc', grantId: `grant-${i % 4}`, exp: 0 }, 60));
    // Same key in the same turn: one multi-row upsert cannot apply both, the row-by-row retry can.
    saves.push(tokens.upsert('at-0', { jti: 'at-0', kind: 'AccessToken', accountId: 'later', grantId: 'grant-0' }, 60));
    await Promise.all(saves);
    for (const i of [0, 1, 17, 39]) t.truthy(await tokens.find(`at-${i}`), `at-${i}`);
    t.is((await tokens.find('at-0'))?.accountId, 'later');
    t.is((await tokens.find('at-1'))?.accountId, 'acc');

    const sql = sqlRunnerFor(s.db);
    const at = sql.dateParam(new Date());
    const cookie = 'INSERT INTO "CookieKey" ("id", "secret", "createdAt") VALUES (?, ?, ?)';
    await sql.insert(cookie, ['taken', 's', at]);
    const outcomes = await Promise.allSettled([
      sql.insert(cookie, ['first', 's', at]),
      sql.insert(cookie, ['taken', 's', at]),
      sql.insert(cookie, ['second', 's', at]),
    ]);
    t.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    const ids = (await s.db.cookieKey.findMany({ select: { id: true } })).map((r) => r.id).sort();
    t.deepEqual(ids.filter((id) => ['first', 'second', 'taken'].includes(id)), ['first', 'second', 'taken']);
  });
}
