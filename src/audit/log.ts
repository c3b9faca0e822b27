// The audit log: an append-only table where every entry is sealed together with the seal of the one
// before it (chain.ts says how, and why the seal is keyed). A one-row head (AuditHead) holds the newest
// seq and seal, written in the same transaction as the entry, so removing the newest entries is noticed
// too. Limit: someone who can write the database can still remove the newest entries and set the head
// back to an earlier entry; detecting that needs the head kept elsewhere (print it with
// `warden audit verify --json` and store it).
import { sqlRunnerFor, type Db, type SqlStep, type SqlSteps } from '../store/index.ts';
import { canonicalJson, type JsonInput } from './canonical-json.ts';
import { chainKey, entryHash, genesisHash } from './chain.ts';

export interface AuditEntry {
  /** What happened, e.g. `login.success`, `client.create`, `keys.rotate`. */
  kind: string;
  /** Who did it: an account id, `cli`, `system`. */
  actor?: string | null;
  /** What it was done to: an account, client or key id. */
  subject?: string | null;
  data: { [key: string]: JsonInput | undefined };
}

/** Key names that would mean a secret is about to be written into the permanent log. */
const secretKeyNames = new Set([
  'password', 'newpassword', 'passwordhash', 'secret', 'client_secret', 'clientsecret', 'private_key', 'privatekey',
  'privatejwk', 'totpsecret', 'totp_secret', 'access_token', 'accesstoken', 'refresh_token', 'refreshtoken',
  'id_token', 'code_verifier', 'codeverifier', 'otp', 'recoverycode', 'recovery_code',
]);

function assertNoSecrets(value: JsonInput | undefined, path: string): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, member] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof key === 'string' && secretKeyNames.has(key.toLowerCase())) {
      throw new Error(`audit data must not contain secrets: refusing the field ${path}.${key}`);
    }
    assertNoSecrets(member, `${path}.${key}`);
  }
}

/** An entry as the chain stores it, `data` as canonical JSON text. */
interface ChainEntry {
  kind: string;
  actor: string | null;
  subject: string | null;
  data: string;
}

interface Pending {
  entry: ChainEntry;
  resolve(): void;
  reject(error: unknown): void;
}

/** Entries appended in one transaction at most (one head lock, one commit). */
const MAX_BATCH = 500;

// PostgreSQL: appends queued while a batch is being written wait for the next batch. Every append
// used to hold the head row's lock until its own commit reached the disk, so the whole cluster
// appended at most one entry per WAL flush (a refresh with risk scoring waited on that); a batch pays
// one lock and one flush for everything queued behind it. SQLite's group commit batches the units of
// one event-loop turn already; a queue there would only make each entry wait for the previous group.
const queues = new WeakMap<Db, { pending: Pending[]; writing: boolean }>();

interface Head {
  seq: number;
  hash: string;
}

/** The batch's entries sealed onto `head`, and the head they leave. */
function sealOnto(db: Db, head: Head, batch: readonly ChainEntry[]) {
  const key = chainKey(db);
  const dateParam = sqlRunnerFor(db).dateParam;
  let { seq, hash: prevHash } = head;
  const rows = batch.map((entry) => {
    // Taken under the lock (or, on the fast path, with the head unmoved), so times follow the chain
    // order (up to clock differences between hosts).
    const at = new Date();
    seq += 1;
    const hash = entryHash(key, prevHash, { seq, at, ...entry });
    const row = { seq, at: dateParam(at), kind: entry.kind, actor: entry.actor, subject: entry.subject, data: entry.data, prevHash, hash };
    prevHash = hash;
    return row;
  });
  return { rows, head: { seq, hash: prevHash } };
}

// PostgreSQL: where this process last left the head. While it is still there (no other process has
// appended since), a batch is one autocommitted statement that moves the head only from there and
// inserts the entries only if it moved: one round trip where the locking transaction takes five (a
// password login appends three entries). A head moved by anyone else makes it write nothing, and the
// batch takes the locking transaction instead. The head's row lock orders the two: a statement
// waiting on it checks its condition again against the head the other one committed.
const knownHeads = new WeakMap<Db, Head>();

const APPEND_FROM_KNOWN_HEAD = `WITH "moved" AS (
  UPDATE "AuditHead" SET "seq" = ?, "hash" = ? WHERE "id" = ? AND "seq" = ? AND "hash" = ? RETURNING "id"
)
INSERT INTO "AuditEvent" ("seq", "at", "kind", "actor", "subject", "data", "prevHash", "hash")
SELECT e."seq", e."at", e."kind", e."actor", e."subject", e."data", e."prevHash", e."hash"
FROM json_to_recordset(CAST(? AS json)) AS e("seq" integer, "at" timestamp(3), "kind" text, "actor" text, "subject" text, "data" text, "prevHash" text, "hash" text)
WHERE EXISTS (SELECT 1 FROM "moved")
RETURNING "seq"`;

async function appendFromKnownHead(db: Db, batch: readonly ChainEntry[]): Promise<boolean> {
  const known = knownHeads.get(db);
  if (!known) return false;
  const { rows, head } = sealOnto(db, known, batch);
  const inserted = await sqlRunnerFor(db).query(APPEND_FROM_KNOWN_HEAD, [head.seq, head.hash, 1, known.seq, known.hash, JSON.stringify(rows)]);
  if (inserted.length !== batch.length) {
    knownHeads.delete(db);
    return false;
  }
  knownHeads.set(db, head);
  return true;
}

async function appendBatch(db: Db, batch: readonly ChainEntry[]): Promise<void> {
  const sql = sqlRunnerFor(db);
  if (sql.kind === 'postgresql' && (await appendFromKnownHead(db, batch))) return;
  const head = await sql.atomic(function* (): SqlSteps<Head> {
    // PostgreSQL: a no-op write that takes the head's row lock and reads it in one statement. The id
    // is a parameter so that PostgreSQL plans the statement once per connection (statements without
    // parameters are not named: it planned this one on every batch). SQLite runs a unit inside its
    // group's BEGIN IMMEDIATE, which holds the database's write lock already: a read is enough.
    const lockHead: SqlStep = sql.kind === 'sqlite'
      ? { sql: `SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = ?`, params: [1] }
      : { sql: `UPDATE "AuditHead" SET "seq" = "seq" WHERE "id" = ? RETURNING "seq", "hash"`, params: [1] };
    let [current] = yield lockHead;
    if (!current) {
      // The very first entry: create the head (or find that a concurrent first append just did).
      yield { sql: `INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, ?) ON CONFLICT ("id") DO NOTHING`, params: [genesisHash] };
      [current] = yield lockHead;
    }
    if (!current || typeof current.hash !== 'string') throw new Error('the audit head row is missing');
    const { rows, head: next } = sealOnto(db, { seq: Number(current.seq), hash: current.hash }, batch);
    for (const row of rows) {
      yield {
        sql: `INSERT INTO "AuditEvent" ("seq", "at", "kind", "actor", "subject", "data", "prevHash", "hash") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [row.seq, row.at, row.kind, row.actor, row.subject, row.data, row.prevHash, row.hash],
      };
    }
    yield { sql: `UPDATE "AuditHead" SET "seq" = ?, "hash" = ? WHERE "id" = 1`, params: [next.seq, next.hash] };
    return next;
  });
  if (sql.kind === 'postgresql') knownHeads.set(db, head);
}

async function writeQueued(db: Db, queue: { pending: Pending[]; writing: boolean }): Promise<void> {
  while (queue.pending.length > 0) {
    const batch = queue.pending.splice(0, MAX_BATCH);
    try {
      await appendBatch(db, batch.map((item) => item.entry));
      for (const item of batch) item.resolve();
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
  queue.writing = false;
}

/**
 * Appends one entry; resolves once it is committed. `data` must never hold secrets (passwords, client
 * secrets, tokens, keys, TOTP seeds, codes): the log is permanent and readable by operators. Obvious
 * secret field names are refused. Appends from any number of processes are serialised, so the chain
 * never forks: a batch's first statement writes the head row, which takes SQLite's write lock or
 * PostgreSQL's row lock until commit.
 */
export async function appendAudit(db: Db, input: AuditEntry): Promise<void> {
  assertNoSecrets(input.data, 'data');
  // Before anything is queued: a store opened without the master key fails here, not in a batch.
  chainKey(db);
  const entry: ChainEntry = { kind: input.kind, actor: input.actor ?? null, subject: input.subject ?? null, data: canonicalJson(input.data) };
  if (sqlRunnerFor(db).kind === 'sqlite') return appendBatch(db, [entry]);
  let queue = queues.get(db);
  if (!queue) {
    queue = { pending: [], writing: false };
    queues.set(db, queue);
  }
  const target = queue;
  return new Promise<void>((resolve, reject) => {
    target.pending.push({ entry, resolve, reject });
    if (target.writing) return;
    // Started at the next turn of the event loop, so the entries appended in this one share the batch
    // (a sign-in's risk decision and its login.succeeded entry are appended together).
    target.writing = true;
    setImmediate(() => void writeQueued(db, target));
  });
}
