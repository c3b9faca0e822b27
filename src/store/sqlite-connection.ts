// The one SQLite connection of a store: what Prisma's libsql adapter drives, and the plain-SQL runner's
// fast path. Two things make it fast where @libsql/client was slow on the token path:
//  - it keeps its prepared statements (@libsql/client prepared each one anew, so SQLite parsed and
//    planned every query on every call);
//  - the plain-SQL runner's writes are committed in groups: the writes queued over a few turns of the
//    event loop (WRITE_GROUP_TURNS) run in one transaction, so a burst of token requests writes each
//    touched page to the WAL once instead of once per token. A caller's promise settles
//    only after the commit, so a crash undoes no more than the store's synchronous setting allows
//    (WARDEN_DURABILITY). Reads run at once: they cannot depend on a write whose promise has not
//    settled.
// libsql calls are synchronous, so a statement is never used by two callers at once, and a group is
// never interleaved with anything. While Prisma (or the runner's transaction()) holds a transaction
// open on this connection, queued statements wait for it to end instead of joining it.
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import { afterTurns, WRITE_GROUP_TURNS } from './after-turns.ts';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer, type Checkpointer, type CheckpointResult } from './sqlite-checkpointer.ts';
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from '@libsql/client';
import { asError, resultSet, toNamedRow, toRow, toSqlParam, type SqlParam } from './sqlite-values.ts';

type Statement = ReturnType<Database.Database['prepare']>;

interface Prepared {
  statement: Statement;
  reader: boolean;
  /** Changes nothing (a SELECT, not an INSERT ... RETURNING): may run outside the write groups. */
  readOnly: boolean;
  columns: string[];
  columnTypes: string[];
}

/** The adapter's calls: execute, transaction, executeMultiple and close. */
export type AdapterClient = Pick<Client, 'execute' | 'transaction' | 'executeMultiple' | 'close' | 'closed' | 'protocol'>;

/** A plain statement's result: rows keyed by column name (Prisma's path gets @libsql/client's shape). */
export interface NamedResult {
  rows: Record<string, unknown>[];
  rowsAffected: number;
}

export interface SqliteConnection extends AdapterClient {
  /** The plain-SQL runner's path: a read at once, a write in the next group commit. */
  statement(sql: string, args: SqlParam[]): Promise<NamedResult>;
  /**
   * Several statements, all or none, in the next group commit: `work` runs synchronously, so nothing
   * else runs between its statements (it may compute between them, e.g. a hash over what it read).
   */
  unit<T>(work: (run: RunStatement) => T): Promise<T>;
}

/** One queued piece of work: a statement, or a unit of several that must succeed or fail together. */
interface Queued {
  /** Whether run() may issue several statements (it then gets a savepoint of its own in a group). */
  several: boolean;
  run(): void;
  /** Resolves with what run() produced, or rejects with `failure`. */
  settle(failure: { error: unknown } | null): void;
}

/** Runs one statement synchronously, inside whatever transaction the connection is in. */
export type RunStatement = (sql: string, args: SqlParam[]) => NamedResult;

const READ_ONLY = /^\s*(SELECT|WITH)\b/i;
const WRITES = /\b(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/** Distinct statements kept prepared; Prisma's `IN (?, ?, ...)` lists make the set open-ended. */
const STATEMENT_CACHE_SIZE = 500;

/** What every call made after close() fails with: libsql aborts the process on some calls to a closed database. */
function closedError(): Error {
  return new Error('the SQLite connection is closed');
}

function sqlitePath(databaseUrl: string): string {
  if (databaseUrl.startsWith('file://')) return fileURLToPath(databaseUrl);
  if (databaseUrl.startsWith('file:')) return databaseUrl.slice('file:'.length);
  throw new Error('an SQLite DATABASE_URL starts with file:');
}

export interface SqliteConnectionOptions {
  busyTimeoutMs: number;
  /**
   * Write statements after which checkpoints move to a background worker (sqlite-checkpointer.ts):
   * a connection that writes little (a CLI command, most tests) never starts one. Default 1,000.
   */
  backgroundCheckpointAfter?: number;
  onCheckpoint?: (result: CheckpointResult) => void;
}

export function openSqliteConnection(databaseUrl: string, options: SqliteConnectionOptions): SqliteConnection {
  const path = sqlitePath(databaseUrl);
  const db = new Database(path, { timeout: options.busyTimeoutMs });
  let writes = 0;
  let checkpointer: Checkpointer | undefined;
  const countWrite = () => {
    writes += 1;
    if (checkpointer || writes < (options.backgroundCheckpointAfter ?? 1000)) return;
    checkpointer = startCheckpointer(path, { onCheckpoint: options.onCheckpoint });
    db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  };
  const statements = new Map<string, Prepared>();
  let closed = false;
  const queue: Queued[] = [];
  let flushScheduled = false;
  let transactionOpen = false;

  function prepared(sql: string): Prepared {
    const hit = statements.get(sql);
    if (hit) {
      // Map order is insertion order: re-inserting marks it recently used.
      statements.delete(sql);
      statements.set(sql, hit);
      return hit;
    }
    const statement = db.prepare(sql);
    statement.safeIntegers(true);
    const reader = statement.reader;
    if (reader) statement.raw(true);
    const definitions = reader ? statement.columns() : [];
    const readOnly = reader && READ_ONLY.test(sql) && !WRITES.test(sql);
    const entry = { statement, reader, readOnly, columns: definitions.map((c) => c.name), columnTypes: definitions.map((c) => c.type ?? '') };
    statements.set(sql, entry);
    if (statements.size > STATEMENT_CACHE_SIZE) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    return entry;
  }

  function run(stmt: InStatement, extraArgs?: InArgs): ResultSet {
    try {
      return runUnchecked(stmt, extraArgs);
    } catch (error) {
      throw asError(error);
    }
  }

  function runUnchecked(stmt: InStatement, extraArgs?: InArgs): ResultSet {
    if (closed) throw closedError();
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const rawArgs = (typeof stmt === 'string' ? extraArgs : stmt.args) ?? [];
    if (!Array.isArray(rawArgs)) throw new TypeError('named SQL parameters are not used here');
    const args = rawArgs.map(toSqlParam);
    const { statement, reader, readOnly, columns, columnTypes } = prepared(sql);
    if (!readOnly && !checkpointer) countWrite();
    if (reader) {
      const rows = (statement.all(args) as unknown[][]).map((values) => toRow(values, columns));
      return resultSet(columns, columnTypes, rows, 0, undefined);
    }
    const info = statement.run(args);
    return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
  }

  /** Runs everything queued: one statement alone in autocommit, anything more in one transaction. */
  function flush(): void {
    if (closed) {
      for (const item of queue.splice(0)) item.settle({ error: closedError() });
      return;
    }
    if (transactionOpen || queue.length === 0) return;
    const group = queue.splice(0);
    const [first] = group;
    if (group.length === 1 && first && !first.several) {
      try {
        first.run();
        first.settle(null);
      } catch (error) {
        first.settle({ error });
      }
      return;
    }
    const failures = new Map<Queued, unknown>();
    let lost: { error: unknown } | null = null;
    try {
      run('BEGIN IMMEDIATE');
      for (const item of group) {
        if (item.several) run('SAVEPOINT "unit"');
        try {
          item.run();
          if (item.several) run('RELEASE "unit"');
        } catch (error) {
          failures.set(item, error);
          // A constraint failure undoes its own statement only; disk full or I/O errors end the
          // transaction, and with it everything before this item.
          if (!db.inTransaction) throw error;
          if (item.several) {
            run('ROLLBACK TO "unit"');
            run('RELEASE "unit"');
          }
        }
      }
      run('COMMIT');
    } catch (error) {
      lost = { error };
      if (!closed && db.inTransaction) {
        try {
          run('ROLLBACK');
        } catch {
          // Every item is rejected with the original failure below.
        }
      }
    }
    for (const item of group) item.settle(lost ?? (failures.has(item) ? { error: failures.get(item) } : null));
  }

  function scheduleFlush(): void {
    if (flushScheduled || queue.length === 0) return;
    flushScheduled = true;
    afterTurns(WRITE_GROUP_TURNS, () => {
      flushScheduled = false;
      flush();
    });
  }

  function enqueue<T>(work: () => T, several: boolean): Promise<T> {
    if (closed) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      let produced: { value: T } | undefined;
      queue.push({
        several,
        run() {
          produced = { value: work() };
        },
        settle(failure) {
          if (failure) reject(asError(failure.error));
          else if (produced) resolve(produced.value);
          else reject(new Error('the statement was not run'));
        },
      });
      scheduleFlush();
    });
  }

  /** The plain-SQL path: rows straight to objects by column name. Errors become Errors where they settle. */
  function runNamed(entry: Prepared, args: SqlParam[]): NamedResult {
    if (closed) throw closedError();
    if (!entry.readOnly && !checkpointer) countWrite();
    if (entry.reader) {
      const rows = (entry.statement.all(args.map(toSqlParam)) as unknown[][]).map((values) => toNamedRow(values, entry.columns));
      return { rows, rowsAffected: 0 };
    }
    return { rows: [], rowsAffected: entry.statement.run(args.map(toSqlParam)).changes };
  }

  function statement(sql: string, args: SqlParam[]): Promise<NamedResult> {
    let entry: Prepared;
    try {
      if (closed) throw closedError();
      entry = prepared(sql);
      if (!transactionOpen && entry.readOnly) return Promise.resolve(runNamed(entry, args));
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return enqueue(() => runNamed(entry, args), false);
  }

  function unit<T>(work: (runStatement: RunStatement) => T): Promise<T> {
    return enqueue(() => work((sql, args) => runNamed(prepared(sql), args)), true);
  }

  // Async like @libsql/client (the adapter awaits it), though the statement itself runs synchronously.
  // Queued writes go first, so Prisma sees every write acknowledged before its query.
  function execute(stmt: InStatement): Promise<ResultSet>;
  function execute(sql: string, args?: InArgs): Promise<ResultSet>;
  async function execute(stmt: InStatement, args?: InArgs): Promise<ResultSet> {
    flush();
    return run(stmt, args);
  }

  async function transaction(mode: TransactionMode = 'deferred'): Promise<Transaction> {
    flush();
    run(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN DEFERRED');
    transactionOpen = true;
    let open = true;
    const finish = async (verb: 'COMMIT' | 'ROLLBACK') => {
      if (!open) return;
      open = false;
      try {
        // A failed statement may already have rolled SQLite's transaction back.
        if (!closed && db.inTransaction) run(verb);
      } finally {
        transactionOpen = false;
        scheduleFlush();
      }
    };
    const unsupported = () => Promise.reject(new Error('not used by Prisma\'s adapter'));
    return {
      execute: async (stmt: InStatement) => run(stmt),
      commit: () => finish('COMMIT'),
      rollback: () => finish('ROLLBACK'),
      close: () => void finish('ROLLBACK'),
      get closed() {
        return !open;
      },
      batch: unsupported,
      executeMultiple: unsupported,
    };
  }

  return {
    execute,
    transaction,
    statement,
    unit,
    executeMultiple: async (sql) => {
      try {
        if (closed) throw closedError();
        flush();
        db.exec(sql);
      } catch (error) {
        throw asError(error);
      }
    },
    close() {
      if (closed) return;
      flush();
      closed = true;
      void checkpointer?.stop().catch(() => undefined);
      for (const item of queue.splice(0)) item.settle({ error: new Error('the SQLite connection closed before this statement ran') });
      statements.clear();
      db.close();
    },
    get closed() {
      return closed;
    },
    protocol: 'file',
  };
}
