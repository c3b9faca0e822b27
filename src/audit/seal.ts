// `warden audit seal`: brings an audit log written before the chain was keyed under the key. It walks
// the whole chain first, checking each unsealed entry's plain hash, and seals nothing unless all of it
// is intact: sealing a chain that was already altered would make the alteration verify. Everything
// happens in one transaction that holds the head, so no entry is appended meanwhile.
//
// Run it once, after upgrading. Whoever can write the database could afterwards turn sealed entries
// back into unsealed ones (with plain hashes they can compute): `warden audit verify` then reports
// them, and sealing again would accept whatever they wrote. A log that verified before must not need
// sealing twice.
import { sqlRunnerFor, type Db, type SqlStatements } from '../store/index.ts';
import type { KeyObject } from 'node:crypto';
import { chainKey, entryHash, genesisHash } from './chain.ts';
import { appendAudit } from './log.ts';
import { ChainWalk, type ChainProblem, type StoredEntry } from './verify.ts';

export type AuditSealing = { ok: true; sealed: number; count: number } | ({ ok: false } & ChainProblem);

const batchSize = 1000;

function storedEntry(row: Record<string, unknown>, readDate: (value: unknown) => Date | null): StoredEntry {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const at = readDate(row.at);
  if (!at) throw new Error(`audit entry ${String(row.seq)} has no time`);
  return {
    seq: Number(row.seq), at, kind: String(row.kind), actor: text(row.actor), subject: text(row.subject),
    data: String(row.data), prevHash: String(row.prevHash), hash: String(row.hash),
  };
}

async function sealAll(tx: SqlStatements, key: KeyObject, readDate: (value: unknown) => Date | null): Promise<AuditSealing> {
  // A no-op write first: it takes SQLite's write lock, or PostgreSQL's lock on the head row.
  const [head] = await tx.query(`UPDATE "AuditHead" SET "seq" = "seq" WHERE "id" = ? RETURNING "seq", "hash"`, [1]);
  const walk = new ChainWalk(key, true);
  let sealedHash = genesisHash;
  let rewritten = 0;
  for (;;) {
    const rows = await tx.query(
      `SELECT "seq", "at", "kind", "actor", "subject", "data", "prevHash", "hash" FROM "AuditEvent" WHERE "seq" >= ? ORDER BY "seq" LIMIT ?`,
      [walk.expectedSeq, batchSize],
    );
    for (const row of rows) {
      const entry = storedEntry(row, readDate);
      const problem = walk.next(entry);
      if (problem) return { ok: false, ...problem };
      const hash = entryHash(key, sealedHash, entry);
      if (hash !== entry.hash || sealedHash !== entry.prevHash) {
        await tx.query(`UPDATE "AuditEvent" SET "prevHash" = ?, "hash" = ? WHERE "seq" = ?`, [sealedHash, hash, entry.seq]);
        rewritten += 1;
      }
      sealedHash = hash;
    }
    if (rows.length < batchSize) break;
  }
  const problem = walk.end(head ? { seq: Number(head.seq), hash: String(head.hash) } : null);
  if (problem) return { ok: false, ...problem };
  if (head) await tx.query(`UPDATE "AuditHead" SET "hash" = ? WHERE "id" = ?`, [sealedHash, 1]);
  return { ok: true, sealed: rewritten, count: walk.expectedSeq - 1 };
}

/** Carries a refusal out of the transaction, which it rolls back. */
class Refused extends Error {
  constructor(readonly result: AuditSealing) {
    super('the audit chain was not sealed');
  }
}

/** Seals every entry of an intact chain (entries already sealed stay as they are); changes nothing otherwise. */
export async function sealAudit(db: Db, actor = 'cli'): Promise<AuditSealing> {
  const sql = sqlRunnerFor(db);
  const key = chainKey(db);
  let result: AuditSealing;
  try {
    result = await sql.transaction(async (tx) => {
      const outcome = await sealAll(tx, key, (value) => sql.readDate(value));
      // A refusal must leave every row as it was: throwing rolls the transaction back.
      if (!outcome.ok) throw new Refused(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
  if (result.sealed > 0) await appendAudit(db, { kind: 'audit.sealed', actor, data: { sealed: result.sealed, count: result.count } });
  return result;
}
