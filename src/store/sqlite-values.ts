// Values and errors between libsql and the shape of @libsql/client that Prisma's adapter reads: what a
// statement may be bound to, what comes back (integers as numbers, never rounded), result sets and
// rows, and SQLite failures as real Errors.
import type { ResultSet, Row } from '@libsql/client';

export type SqlParam = string | number | bigint | Buffer | null;

export function toSqlParam(value: unknown): SqlParam {
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
export function fromSqlValue(value: unknown): unknown {
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
export function asError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof SqliteStatementError) return error;
  const { message, code, rawCode } = error as { message?: unknown; code?: unknown; rawCode?: unknown };
  if (typeof message !== 'string' || typeof code !== 'string') return error;
  return new SqliteStatementError(message, code, typeof rawCode === 'number' ? rawCode : undefined);
}

export function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return { columns, columnTypes, rows, rowsAffected, lastInsertRowid, toJSON: () => ({ columns, columnTypes, rows, rowsAffected }) };
}

// A row as @libsql/client gives it: values by index (what Prisma reads) and by column name.
export function toRow(values: unknown[], columns: string[]): Row {
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

/** A row as plain SQL gets it: values by column name only (of two equal names the last wins, as in pg). */
export function toNamedRow(values: unknown[], columns: string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i += 1) {
    const name = columns[i];
    if (name !== undefined) row[name] = fromSqlValue(values[i]);
  }
  return row;
}
