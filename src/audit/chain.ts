// How an audit entry is sealed into the chain.
//
// seal(n) = "hmac:" + hex(HMAC-SHA256(K, JSON.stringify([seal(n-1), seq, at (ISO 8601), kind, actor,
// subject, data]))) with seal(0) = 64 zeros, `data` canonical JSON text, and K derived from
// WARDEN_SECRET_KEY with HKDF. A plain hash chain only proves that the entries agree with each other:
// whoever can write the database can change an entry and compute every hash after it again. The key
// lives outside the database (the environment, or the embedded mode's key file), so a changed entry
// cannot be given a seal that verifies.
//
// Warden before the keyed chain stored plain hashes: sha256hex of the same fields (`legacyEntryHash`).
// Such entries verify only as what they are, unsealed, until `warden audit seal` has checked them and
// sealed them (seal.ts).
import { createHash, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { masterKeyOf, type Db } from '../store/index.ts';

export const genesisHash = '0'.repeat(64);

const SEALED = 'hmac:';

export interface ChainFields {
  seq: number;
  at: Date;
  kind: string;
  actor: string | null;
  subject: string | null;
  /** Canonical JSON text. */
  data: string;
}

export class AuditKeyError extends Error {
  override name = 'AuditKeyError';
}

// A KeyObject, not the raw bytes: createHmac imports a Buffer key anew on every call (about 24 µs
// against 4 µs here), and every scored refresh seals an entry.
const keys = new WeakMap<Buffer, KeyObject>();

/** The chain's key for this store, derived from the master key it was opened with. */
export function chainKey(db: Db): KeyObject {
  const master = masterKeyOf(db);
  if (!master || master.length !== 32) {
    throw new AuditKeyError('the audit log needs the master key (WARDEN_SECRET_KEY, 32 bytes) to seal and verify its entries');
  }
  let key = keys.get(master);
  if (!key) {
    key = createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'warden audit chain v1', 32)));
    keys.set(master, key);
  }
  return key;
}

function fieldsText(prevHash: string, entry: ChainFields): string {
  return JSON.stringify([prevHash, entry.seq, entry.at.toISOString(), entry.kind, entry.actor, entry.subject, entry.data]);
}

export function entryHash(key: KeyObject, prevHash: string, entry: ChainFields): string {
  return SEALED + createHmac('sha256', key).update(fieldsText(prevHash, entry)).digest('hex');
}

/** What Warden stored before its audit chain was keyed. */
export function legacyEntryHash(prevHash: string, entry: ChainFields): string {
  return createHash('sha256').update(fieldsText(prevHash, entry)).digest('hex');
}

export function isSealed(hash: string): boolean {
  return hash.startsWith(SEALED);
}
