import test from 'ava';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import { appendAudit, verifyAudit } from '../../src/audit/index.ts';
import { sqlRunnerFor } from '../../src/store/index.ts';
import { runStoreWorker } from '../helpers/processes.ts';
import { openTestStore, storeKinds, type StoreKind, type TestStore } from '../helpers/store.ts';

async function setup(t: { teardown(fn: () => Promise<void>): void }, kind: StoreKind, entries = 0): Promise<TestStore> {
  const s = await openTestStore(kind);
  t.teardown(() => s.dispose());
  for (let index = 1; index <= entries; index += 1) {
    await appendAudit(s.db, { kind: 'test.entry', actor: 'tester', subject: `s${index}`, data: { index, z: 'last', a: 'first' } });
  }
  return s;
}

for (const kind of storeKinds) {
  test(`an empty log verifies [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    t.like(await verifyAudit(db), { ok: true, count: 0 });
  });

  test(`appended entries chain and verify; data is canonical JSON [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 3);
    await appendAudit(db, { kind: 'client.create', data: { clientId: 'c1', nested: { b: 2, a: 1 } } });
    t.like(await verifyAudit(db), { ok: true, count: 4 });
    const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    t.deepEqual(rows.map((row) => row.seq), [1, 2, 3, 4]);
    t.is(rows[0]?.prevHash, '0'.repeat(64));
    t.is(rows[1]?.prevHash, rows[0]?.hash);
    t.is(rows[0]?.data, '{"a":"first","index":1,"z":"last"}');
    t.is(rows[3]?.data, '{"clientId":"c1","nested":{"a":1,"b":2}}');
    t.is(rows[3]?.actor, null);
    const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    t.is(head.seq, 4);
    t.is(head.hash, rows[3]?.hash ?? '');
  });

  test(`a changed entry is found [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 5);
    await db.auditEvent.update({ where: { seq: 3 }, data: { data: '{"a":"first","index":99,"z":"last"}' } });
    t.deepEqual(await verifyAudit(db), { ok: false, seq: 3, reason: 'its content does not match its seal (the entry was altered)' });
  });

  test(`a changed entry whose hash was recomputed breaks the next link [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 5);
    await db.auditEvent.update({ where: { seq: 2 }, data: { actor: 'someone-else', hash: 'f'.repeat(64) } });
    const result = await verifyAudit(db);
    t.false(result.ok);
    t.like(result, { seq: 2 });
    await db.auditEvent.update({ where: { seq: 2 }, data: { actor: 'tester' } });
    t.like(await verifyAudit(db), { ok: false, seq: 2 });
  });

  test(`a removed middle entry is found [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 5);
    await db.auditEvent.delete({ where: { seq: 3 } });
    t.deepEqual(await verifyAudit(db), { ok: false, seq: 3, reason: 'entry 3 is missing (the next one is 4)' });
  });

  test(`removed last entries are found through the head [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 5);
    await db.auditEvent.deleteMany({ where: { seq: { gte: 4 } } });
    t.deepEqual(await verifyAudit(db), { ok: false, seq: 4, reason: 'entries 4 to 5 were removed (the head records 5)' });
  });

  test(`a removed first entry and an emptied log are found [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 3);
    await db.auditEvent.delete({ where: { seq: 1 } });
    t.like(await verifyAudit(db), { ok: false, seq: 1 });
    await db.auditEvent.deleteMany({});
    t.like(await verifyAudit(db), { ok: false, seq: 1 });
  });

  test(`reordered entries are found [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 5);
    // Swap entries 2 and 3 wholesale, keeping their own hashes.
    await db.auditEvent.update({ where: { seq: 2 }, data: { seq: 1002 } });
    await db.auditEvent.update({ where: { seq: 3 }, data: { seq: 2 } });
    await db.auditEvent.update({ where: { seq: 1002 }, data: { seq: 3 } });
    t.deepEqual(await verifyAudit(db), { ok: false, seq: 2, reason: 'its previous-hash does not match the entry before it' });
  });

  test(`entries appended after a verification keep verifying [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 2);
    t.like(await verifyAudit(db), { ok: true, count: 2 });
    await appendAudit(db, { kind: 'more', data: {} });
    t.like(await verifyAudit(db), { ok: true, count: 3 });
  });

  test(`secret-looking fields are refused and nothing is written [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    await t.throwsAsync(appendAudit(db, { kind: 'user.create', data: { email: 'a@b', password: 'hunter2' } }), {
      message: /must not contain secrets.*data\.password/,
    });
    await t.throwsAsync(appendAudit(db, { kind: 'client.create', data: { client: { client_secret: 'x' } } }), {
      message: /data\.client\.client_secret/,
    });
    t.is(await db.auditEvent.count(), 0);
  });

  test(`parallel appends in one process form one chain [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    await Promise.all(Array.from({ length: 40 }, (_, index) => appendAudit(db, { kind: 'parallel', data: { index } })));
    t.like(await verifyAudit(db), { ok: true, count: 40 });
  });

  test(`entries appended together are chained in the order they were appended [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 1);
    await Promise.all(Array.from({ length: 30 }, (_, index) => appendAudit(db, { kind: 'ordered', subject: `o${index}`, data: { index } })));
    const rows = await db.auditEvent.findMany({ where: { kind: 'ordered' }, orderBy: { seq: 'asc' }, select: { subject: true } });
    t.deepEqual(rows.map((row) => row.subject), Array.from({ length: 30 }, (_, index) => `o${index}`));
    t.like(await verifyAudit(db), { ok: true, count: 31 });
  });

  test(`appends queued behind a batch are written together, each once, a refused one alone failing [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    // More than one batch (500) in flight at once, with a refused entry among them.
    const results = await Promise.allSettled([
      ...Array.from({ length: 600 }, (_, index) => appendAudit(db, { kind: 'burst', subject: `s${index}`, data: { index } })),
      appendAudit(db, { kind: 'burst', data: { token: { refresh_token: 'x' } } }),
    ]);
    t.is(results.filter((r) => r.status === 'rejected').length, 1);
    t.like(await verifyAudit(db), { ok: true, count: 600 });
    const subjects = new Set((await db.auditEvent.findMany({ select: { subject: true } })).map((row) => row.subject));
    t.is(subjects.size, 600);
  });

  test(`parallel appends from several processes form one chain [${kind}]`, async (t) => {
    const { db, databaseUrl, config } = await setup(t, kind);
    const env = { WARDEN_SECRET_KEY: config.secretKey.toString('base64') };
    const workers = ['w1', 'w2', 'w3'].map((actor) => runStoreWorker(['audit', databaseUrl, '20', actor], env));
    await Promise.all([...workers, ...Array.from({ length: 10 }, (_, index) => appendAudit(db, { kind: 'parent', data: { index } }))]);
    t.like(await verifyAudit(db), { ok: true, count: 70 });
    const perActor = await db.auditEvent.groupBy({ by: ['actor'], _count: { _all: true } });
    t.deepEqual(
      Object.fromEntries(perActor.map((group) => [group.actor ?? 'parent', group._count._all])),
      { parent: 10, w1: 20, w2: 20, w3: 20 },
    );
  });
}

// PostgreSQL appends from the head this process left in one statement (log.ts); these check that the
// shortcut is taken and that it never forks the chain when another process moved the head meanwhile.
test('[postgresql] appends from two stores taking turns keep one chain: a stale known head writes nothing and takes the lock', async (t) => {
  const a = await setup(t, 'postgresql');
  const b = await openStore(a.config);
  t.teardown(() => b.close());
  const turns = ['a', 'a', 'b', 'a', 'b', 'b', 'a', 'a'];
  for (const [index, who] of turns.entries()) {
    await appendAudit(who === 'a' ? a.db : b.db, { kind: 'turn', actor: who, data: { index } });
  }
  t.like(await verifyAudit(a.db), { ok: true, count: turns.length });
  const rows = await a.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  t.deepEqual(rows.map((row) => row.seq), turns.map((_, index) => index + 1));
  t.deepEqual(rows.map((row) => row.actor), turns);
});

test('[postgresql] appends after the first take one statement each: the head row is updated once per append, not twice', async (t) => {
  const s = await setup(t, 'postgresql');
  for (let index = 0; index < 10; index += 1) await appendAudit(s.db, { kind: 'sequential', data: { index } });
  t.like(await verifyAudit(s.db), { ok: true, count: 10 });
  // A backend reports its table counters when it ends: close the store's connections first.
  await s.store.close();
  const client = new pg.Client({ connectionString: s.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query<{ updates: string }>(`SELECT n_tup_upd AS updates FROM pg_stat_user_tables WHERE relname = 'AuditHead'`);
  // The first append takes the lock (a no-op update, then the new head); the nine after it are one
  // update each. Without the shortcut this would be 20.
  t.is(Number(rows[0]?.updates), 11);
});

test('[postgresql] the store\'s sessions give up on a lock after 30 s: an append behind a held audit head waits for it, never indefinitely', async (t) => {
  const s = await setup(t, 'postgresql');
  await appendAudit(s.db, { kind: 'first', data: {} });
  const [setting] = await sqlRunnerFor(s.db).query(`SELECT current_setting('lock_timeout') AS "value"`, []);
  t.is(setting?.['value'], '30s');
  // Another session (as `warden audit seal` would) holds the head; the append waits, then goes on.
  const holder = new pg.Client({ connectionString: s.databaseUrl });
  await holder.connect();
  t.teardown(() => holder.end());
  await holder.query('BEGIN');
  await holder.query(`SELECT 1 FROM "AuditHead" WHERE "id" = 1 FOR UPDATE`);
  let settled = false;
  const append = appendAudit(s.db, { kind: 'behind the holder', data: {} }).finally(() => { settled = true; });
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.false(settled);
  await holder.query('COMMIT');
  await append;
  t.like(await verifyAudit(s.db), { ok: true, count: 2 });
});
