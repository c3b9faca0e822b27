// The SQLite connection Prisma's libsql adapter drives: one libsql connection that keeps its prepared
// statements. @libsql/client prepares every statement anew, so SQLite parsed and planned each query on
// every call, the largest single cost of a token request in a CPU profile. The adapter already queues
// every statement and transaction of a client behind one lock, so one connection serves it and a
// statement is never used by two callers at once (libsql calls are synchronous).
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import type { Client, InArgs, InStatement, ResultSet, Row, Transaction, TransactionMode } from '@libsql/client';

type Statement = ReturnType<Database.Database['prepare']>;
type SqlParam = string | number | bigint | Buffer | null;

interface Prepared {
  statement: Statement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
}

/** The adapter's calls: execute, transaction, executeMultiple and close. */
export type AdapterClient = Pick<Client, 'execute' | 'transaction' | 'executeMultiple' | 'close' | 'closed' | 'protocol'>;

/** Distinct statements kept prepared; Prisma's `IN (?, ?, ...)` lists make the set open-ended. */
const STATEMENT_CACHE_SIZE = 500;

function sqlitePath(databaseUrl: string): string {
  if (databaseUrl.startsWith('file://')) return fileURLToPath(databaseUrl);
  if (databaseUrl.startsWith('file:')) return databaseUrl.slice('file:'.length);
  throw new Error('an SQLite DATABASE_URL starts with file:');
}

function toSqlParam(value: unknown): SqlParam {
  if (value === null || typeof value === 'string' || typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('only finite numbers can be stored');
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`cannot bind a ${typeof value} to an SQLite statement`);
}

// Integers come back as bigint (so none is silently rounded) and leave as numbers, as @libsql/client's
// default "number" mode does.
function fromSqlValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError('an integer column holds a value beyond JavaScript numbers');
    }
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

/** An SQLite failure as a real Error, with the fields Prisma's adapter maps (unique violation, busy, ...). */
export class SqliteStatementError extends Error {
  constructor(message: string, readonly code: string, readonly rawCode: number | undefined) {
    super(message);
    this.name = 'SqliteStatementError';
  }
}

// libsql's SqliteError is built without Error's constructor, so tools that check for a real Error
// (util.types.isNativeError) refuse it.
function asError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof SqliteStatementError) return error;
  const { message, code, rawCode } = error as { message?: unknown; code?: unknown; rawCode?: unknown };
  if (typeof message !== 'string' || typeof code !== 'string') return error;
  return new SqliteStatementError(message, code, typeof rawCode === 'number' ? rawCode : undefined);
}

function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return { columns, columnTypes, rows, rowsAffected, lastInsertRowid, toJSON: () => ({ columns, columnTypes, rows, rowsAffected }) };
}

// A row as @libsql/client gives it: values by index (what Prisma reads) and by column name.
function toRow(values: unknown[], columns: string[]): Row {
  const row: Record<string | number, unknown> = {};
  Object.defineProperty(row, 'length', { value: values.length, enumerable: false });
  for (let i = 0; i < values.length; i += 1) {
    const value = fromSqlValue(values[i]);
    Object.defineProperty(row, i, { value, enumerable: false });
    const name = columns[i];
    if (name !== undefined && !(name in row)) row[name] = value;
  }
  return row as Row;
}

export function openSqliteConnection(databaseUrl: string, busyTimeoutMs: number): AdapterClient {
  const db = new Database(sqlitePath(databaseUrl), { timeout: busyTimeoutMs });
  const statements = new Map<string, Prepared>();
  let closed = false;

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
    const entry = { statement, reader, columns: definitions.map((c) => c.name), columnTypes: definitions.map((c) => c.type ?? '') };
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
    if (closed) throw new Error('the SQLite connection is closed');
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const rawArgs = (typeof stmt === 'string' ? extraArgs : stmt.args) ?? [];
    if (!Array.isArray(rawArgs)) throw new TypeError('named SQL parameters are not used here');
    const args = rawArgs.map(toSqlParam);
    const { statement, reader, columns, columnTypes } = prepared(sql);
    if (reader) {
      const rows = (statement.all(args) as unknown[][]).map((values) => toRow(values, columns));
      return resultSet(columns, columnTypes, rows, 0, undefined);
    }
    const info = statement.run(args);
    return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
  }

  // Async like @libsql/client (the adapter awaits it), though the statement itself runs synchronously.
  function execute(stmt: InStatement): Promise<ResultSet>;
  function execute(sql: string, args?: InArgs): Promise<ResultSet>;
  async function execute(stmt: InStatement, args?: InArgs): Promise<ResultSet> {
    return run(stmt, args);
  }

  async function transaction(mode: TransactionMode = 'deferred'): Promise<Transaction> {
    run(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN DEFERRED');
    let open = true;
    const finish = async (verb: 'COMMIT' | 'ROLLBACK') => {
      if (!open) return;
      open = false;
      // A failed statement may already have rolled SQLite's transaction back.
      if (db.inTransaction) run(verb);
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
    executeMultiple: async (sql) => {
      try {
        db.exec(sql);
      } catch (error) {
        throw asError(error);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      statements.clear();
      db.close();
    },
    get closed() {
      return closed;
    },
    protocol: 'file',
  };
}
