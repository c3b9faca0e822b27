// PostgreSQL: single-row INSERTs issued in the same event-loop turn leave as one multi-row statement.
// Each statement on the pool is a round trip, a commit and, in the server, a WAL flush; under load the
// token endpoint issues dozens of identical inserts per turn (each request's new token), so merging
// them is what SQLite's group commit does for the embedded store. Nothing waits longer than the turn.
import type { SqlValue } from './sql.ts';

export type RunStatement = (sql: string, params: SqlValue[], durable: boolean) => Promise<unknown>;

interface PendingRow {
  params: SqlValue[];
  resolve(): void;
  reject(error: unknown): void;
}

interface Batch {
  sql: string;
  durable: boolean;
  rows: PendingRow[];
}

/** Rows per statement: well below PostgreSQL's 65,535 parameters, and a bounded set of statement texts. */
export const MAX_ROWS_PER_STATEMENT = 64;

// One row: a parenthesised list without nested parentheses (placeholders and literals).
const VALUES_GROUP = /\bVALUES\s*(\([^()]*\?[^()]*\))/i;

/** `INSERT ... VALUES (?, ?) ...` with its one row repeated `rows` times. */
export function multiRowStatement(sql: string, rows: number): string {
  const match = VALUES_GROUP.exec(sql);
  if (!match?.[1]) throw new Error('a batched insert has one VALUES (...) row, with placeholders and no nested parentheses');
  const row = match[1];
  return `${sql.slice(0, match.index)}VALUES ${Array.from({ length: rows }, () => row).join(', ')}${sql.slice(match.index + match[0].length)}`;
}

/**
 * Returns `insert(sql, params, durable)`, settled once its row is stored. A merged statement is all or
 * nothing, so when it fails (the same conflict key twice in one turn, which one upsert cannot apply,
 * or any row's own error) its rows run again one by one, in the order they were issued: each caller
 * gets its own row's outcome, and a later upsert of a key still wins over an earlier one.
 */
export function createRowBatcher(run: RunStatement): (sql: string, params: SqlValue[], durable: boolean) => Promise<void> {
  const pending = new Map<string, Batch>();
  let scheduled = false;
  // The same string object for the same (text, rows): the driver's maps from statement text to
  // numbered placeholders and to statement name then hash it once, not on every batch.
  const merged = new Map<string, string[]>();
  const mergedText = (sql: string, rows: number): string => {
    let texts = merged.get(sql);
    if (!texts) {
      texts = [];
      merged.set(sql, texts);
    }
    return (texts[rows] ??= multiRowStatement(sql, rows));
  };

  async function oneByOne(batch: Batch, rows: readonly PendingRow[]): Promise<void> {
    for (const row of rows) {
      try {
        await run(batch.sql, row.params, batch.durable);
        row.resolve();
      } catch (error) {
        row.reject(error);
      }
    }
  }

  async function send(batch: Batch, rows: readonly PendingRow[]): Promise<void> {
    if (rows.length === 1) return oneByOne(batch, rows);
    try {
      await run(mergedText(batch.sql, rows.length), rows.flatMap((r) => r.params), batch.durable);
    } catch {
      return oneByOne(batch, rows);
    }
    for (const row of rows) row.resolve();
  }

  function flush(): void {
    scheduled = false;
    const batches = [...pending.values()];
    pending.clear();
    // A turn's rows beyond one statement follow it in order, so the last upsert of a key still wins.
    for (const batch of batches) {
      void (async () => {
        for (let i = 0; i < batch.rows.length; i += MAX_ROWS_PER_STATEMENT) {
          await send(batch, batch.rows.slice(i, i + MAX_ROWS_PER_STATEMENT));
        }
      })();
    }
  }

  return (sql, params, durable) =>
    new Promise<void>((resolve, reject) => {
      if (!VALUES_GROUP.test(sql)) {
        reject(new Error('a batched insert has one VALUES (...) row, with placeholders and no nested parentheses'));
        return;
      }
      const key = `${durable ? 'durable' : 'lossy'}\n${sql}`;
      let batch = pending.get(key);
      if (!batch) {
        batch = { sql, durable, rows: [] };
        pending.set(key, batch);
      }
      batch.rows.push({ params, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
