// Verification of the audit chain: every entry in order, each sealed with the key over its own fields
// and the seal before it, and the head naming the last one.
import type { Db } from '../store/index.ts';
import type { KeyObject } from 'node:crypto';
import { chainKey, entryHash, genesisHash, isSealed, legacyEntryHash, type ChainFields } from './chain.ts';

export type AuditVerification = { ok: true; count: number; headHash: string } | { ok: false; seq: number; reason: string };

export interface StoredEntry extends ChainFields {
  prevHash: string;
  hash: string;
}

export interface ChainProblem {
  seq: number;
  reason: string;
}

/**
 * Follows the chain one stored entry at a time. `acceptUnsealed` lets entries of the unkeyed chain
 * through when their plain hash matches: only `warden audit seal` does that, before sealing them.
 */
export class ChainWalk {
  prevHash = genesisHash;
  expectedSeq = 1;

  constructor(
    private readonly key: KeyObject,
    private readonly acceptUnsealed: boolean,
  ) {}

  next(row: StoredEntry): ChainProblem | null {
    const seq = this.expectedSeq;
    if (row.seq !== seq) return { seq, reason: `entry ${seq} is missing (the next one is ${row.seq})` };
    if (row.prevHash !== this.prevHash) return { seq, reason: 'its previous-hash does not match the entry before it' };
    if (isSealed(row.hash)) {
      if (entryHash(this.key, this.prevHash, row) !== row.hash) {
        return { seq, reason: 'its content does not match its seal (the entry was altered)' };
      }
    } else if (legacyEntryHash(this.prevHash, row) !== row.hash) {
      return { seq, reason: 'its content does not match its hash (the entry was altered)' };
    } else if (!this.acceptUnsealed) {
      return {
        seq,
        reason: 'it is not sealed with the audit key: written before Warden sealed its audit log (`warden audit seal` checks and seals such entries once), or forged',
      };
    }
    this.prevHash = row.hash;
    this.expectedSeq += 1;
    return null;
  }

  /** After the last entry: the head must name it. */
  end(head: { seq: number; hash: string } | null): ChainProblem | null {
    const count = this.expectedSeq - 1;
    const headSeq = head?.seq ?? 0;
    if (headSeq > count) return { seq: count + 1, reason: `entries ${count + 1} to ${headSeq} were removed (the head records ${headSeq})` };
    if (headSeq !== count || (head?.hash ?? genesisHash) !== this.prevHash) return { seq: headSeq, reason: 'the chain head does not match the last entry' };
    return null;
  }
}

const batchSize = 1000;

/** Walks the whole chain; reports the first entry that was changed, removed, moved or never sealed. */
export async function verifyAudit(db: Db): Promise<AuditVerification> {
  const walk = new ChainWalk(chainKey(db), false);
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { seq: { gte: walk.expectedSeq } }, orderBy: { seq: 'asc' }, take: batchSize });
    for (const row of rows) {
      const problem = walk.next(row);
      if (problem) return { ok: false, ...problem };
    }
    if (rows.length < batchSize) break;
  }
  const problem = walk.end(await db.auditHead.findUnique({ where: { id: 1 } }));
  if (problem) return { ok: false, ...problem };
  return { ok: true, count: walk.expectedSeq - 1, headHash: walk.prevHash };
}
