import { createSecretKey, randomBytes } from 'node:crypto';
import test from 'ava';
import { appendAudit, entryHash, genesisHash, legacyEntryHash, sealAudit, verifyAudit } from '../../src/audit/index.ts';
import { openStore, type Db } from '../../src/store/index.ts';
import { openTestStore, storeKinds, type StoreKind, type TestStore } from '../helpers/store.ts';

async function setup(t: { teardown(fn: () => Promise<void>): void }, kind: StoreKind, entries: number): Promise<TestStore> {
  const s = await openTestStore(kind);
  t.teardown(() => s.dispose());
  for (let index = 1; index <= entries; index += 1) {
    await appendAudit(s.db, { kind: 'test.entry', actor: 'tester', subject: `s${index}`, data: { index } });
  }
  return s;
}

/** Recomputes every link from `fromSeq` on with `hash` and moves the head, as a database writer could. */
async function rechain(db: Db, fromSeq: number, hash: (prev: string, row: Parameters<typeof legacyEntryHash>[1]) => string): Promise<void> {
  const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  let prev = genesisHash;
  for (const row of rows) {
    if (row.seq >= fromSeq) {
      const next = hash(prev, row);
      await db.auditEvent.update({ where: { seq: row.seq }, data: { prevHash: prev, hash: next } });
      prev = next;
    } else {
      prev = row.hash;
    }
  }
  await db.auditHead.update({ where: { id: 1 }, data: { hash: prev } });
}

const snapshot = async (db: Db) => JSON.stringify(await db.auditEvent.findMany({ orderBy: { seq: 'asc' } }));

for (const kind of storeKinds) {
  test(`an entry changed with the chain after it recomputed, without the key, is found [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 5);
    await db.auditEvent.update({ where: { seq: 3 }, data: { actor: 'someone-else' } });
    // With plain hashes (as the chain was before it was keyed):
    await rechain(db, 3, legacyEntryHash);
    const result = await verifyAudit(db);
    t.false(result.ok);
    if (!result.ok) t.regex(result.reason, /not sealed with the audit key/);
    // With seals under a key of the forger's own:
    const forgerKey = createSecretKey(randomBytes(32));
    await rechain(db, 3, (prev, row) => entryHash(forgerKey, prev, row));
    t.deepEqual(await verifyAudit(db), { ok: false, seq: 3, reason: 'its content does not match its seal (the entry was altered)' });
  });

  test(`a log from before the keyed chain: verify reports it, seal checks and seals it once [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 4);
    await rechain(db, 1, legacyEntryHash);
    // An entry appended by the upgraded Warden before anyone sealed: keyed, on top of plain hashes.
    await appendAudit(db, { kind: 'test.after_upgrade', data: {} });
    const before = await verifyAudit(db);
    t.like(before, { ok: false, seq: 1 });
    const sealed = await sealAudit(db);
    t.deepEqual(sealed, { ok: true, sealed: 5, count: 5 });
    // The sealing itself is audited, and the whole log verifies.
    t.like(await verifyAudit(db), { ok: true, count: 6 });
    const last = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    t.is(last.kind, 'audit.sealed');
    t.is(last.data, '{"count":5,"sealed":5}');
    t.deepEqual(await sealAudit(db), { ok: true, sealed: 0, count: 6 });
    t.is(await db.auditEvent.count(), 6);
  });

  test(`seal refuses an altered or broken log and changes nothing [${kind}]`, async (t) => {
    const { db } = await setup(t, kind, 4);
    await rechain(db, 1, legacyEntryHash);
    await db.auditEvent.update({ where: { seq: 2 }, data: { data: '{"index":99}' } });
    const altered = await snapshot(db);
    t.deepEqual(await sealAudit(db), { ok: false, seq: 2, reason: 'its content does not match its hash (the entry was altered)' });
    t.is(await snapshot(db), altered);
    // A removed newest entry (the head still names it) is refused too, before anything is sealed.
    await db.auditEvent.update({ where: { seq: 2 }, data: { data: '{"index":2}' } });
    await db.auditEvent.delete({ where: { seq: 4 } });
    const truncated = await snapshot(db);
    t.deepEqual(await sealAudit(db), { ok: false, seq: 4, reason: 'entries 4 to 4 were removed (the head records 4)' });
    t.is(await snapshot(db), truncated);
  });
}

// In one process SQLite shares a file's client (and the key it was opened with) between stores, so a
// keyless store on the same file only exists on PostgreSQL here.
if (storeKinds.includes('postgresql')) test('a store opened without the master key neither appends nor verifies [postgresql]', async (t) => {
  const s = await setup(t, 'postgresql', 2);
  const keyless = await openStore({ databaseUrl: s.databaseUrl, dataDir: s.dataDir }, { migrate: false });
  t.teardown(() => keyless.close());
  await t.throwsAsync(appendAudit(keyless.db, { kind: 'test.keyless', data: {} }), { message: /needs the master key \(WARDEN_SECRET_KEY, 32 bytes\)/ });
  await t.throwsAsync(verifyAudit(keyless.db), { message: /needs the master key/ });
  await t.throwsAsync(sealAudit(keyless.db), { message: /needs the master key/ });
  t.is(await s.db.auditEvent.count(), 2);
});
