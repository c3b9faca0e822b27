// Plain SQL on the store's own connections, for the hot paths (oidc-provider's adapter, login
// throttling, risk events, the audit log) where a Prisma query costs several times the statement
// itself. Statements outside transaction() take the store's direct path (DirectPath: SQLite's one
// connection with its group commits, or PostgreSQL's pool); transaction() goes through Prisma's driver
// adapter, so it queues with Prisma's own work instead of opening a second connection.
import type { PrismaLibSQL } from '@prisma/adapter-libsql';
import type { StoreKind } from './db.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { createRowBatcher } from './pg-row-batches.ts';
import { announceCover, awaitCover, coverAnnounced } from './flush-cover.ts';
import { assertStorableParams } from './storable-text.ts';

export type DriverAdapter = Awaited<ReturnType<PrismaLibSQL['connect']>>;
type Queryable = Pick<DriverAdapter, 'queryRaw' | 'executeRaw'>;
type ArgType = Parameters<DriverAdapter['queryRaw']>[0]['argTypes'][number];

export type SqlValue = string | number | null;

export interface WriteOptions {
  /**
   * false: a write that may be lost if the database server crashes within a moment of it (never
   * half-applied or corrupted), for state that is cheap to lose, such as issued tokens. With
   * WARDEN_DURABILITY=fast, PostgreSQL then commits it without waiting for its WAL flush; SQLite's
   * synchronous setting applies to every write alike. Default true.
   * 'before-answer' (execute() only): durable before the request that made it answers
   * (flush-cover.ts). On PostgreSQL under WARDEN_DURABILITY=fast, while a durable write of the same
   * request is announced, it commits without its own WAL flush and that write's flush covers it;
   * otherwise it is durable on its own.
   */
  durable?: boolean | 'before-answer';
}

export interface SqlStatements {
  /** Rows as objects keyed by column name. Placeholders are `?` on both stores. */
  query(sql: string, params: SqlValue[]): Promise<Record<string, unknown>[]>;
  /** Number of rows affected. */
  execute(sql: string, params: SqlValue[], options?: WriteOptions): Promise<number>;
}

/** One statement of an atomic(): yield it, get its rows back. */
export interface SqlStep {
  sql: string;
  params: SqlValue[];
}

export type SqlSteps<T> = Generator<SqlStep, T, Record<string, unknown>[]>;

export interface SqlRunner extends SqlStatements {
  kind: StoreKind;
  /**
   * A single-row `INSERT ... VALUES (?, ...)` (an upsert too) whose affected-row count is not needed.
   * On PostgreSQL the rows of one statement text issued in the same turn go as one multi-row statement
   * (pg-row-batches.ts); on SQLite it joins the group commit like any write.
   */
  insert(sql: string, params: SqlValue[], options?: { durable?: boolean }): Promise<void>;
  /**
   * insert(), then `durableWrite`: the caller's next write, which must commit durably to the same
   * database. Settles once both are stored, the row then as durable as that write; rejects if either
   * failed. On SQLite both are issued together and join one group commit. On PostgreSQL the row's
   * commit does not wait for its WAL flush (a lossy write, under WARDEN_DURABILITY=fast), and the
   * durable write starts only after that commit: its commit record comes later in the WAL, so the
   * flush it waits for covers the row's too. Within a request the durable write is announced as a
   * cover (flush-cover.ts) from the start, so the request's `'before-answer'` writes made meanwhile
   * share that flush as well. For a risk decision's row and audit entry, one flush instead of two
   * measured about 4% less CPU per scored refresh, server and database together (three interleaved
   * A/Bs of 30 rounds, 2026-12-04).
   */
  insertBefore(sql: string, params: SqlValue[], durableWrite: () => Promise<unknown>): Promise<void>;
  /**
   * Runs the statements a generator yields as one transaction, the generator computing between them
   * (it gets each statement's rows back). On SQLite the whole unit joins the next group commit and
   * runs without a pause; on PostgreSQL it is a transaction of its own. A throw undoes the unit.
   */
  atomic<T>(steps: () => SqlSteps<T>): Promise<T>;
  /**
   * Runs `work` in one transaction on one connection (committed when it resolves, rolled back when it
   * throws). SQLite starts it deferred: make the first statement a write to take the lock at once.
   */
  transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T>;
  /** A Date as the store's DateTime columns hold it (what Prisma writes), for parameters. */
  dateParam(date: Date): string;
  /** A DateTime column value read through query(). */
  readDate(value: unknown): Date | null;
}

function argType(value: SqlValue): ArgType {
  return { scalarType: typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : 'string', arity: 'scalar' };
}

const numbered = new Map<string, string>();

/** `?` -> `$1, $2, ...` (our statements never contain a literal question mark), once per text. */
function numberedPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let index = 0;
    text = sql.replace(/\?/g, () => `$${++index}`);
    // Texts are a fixed set plus IN lists of varying length; the bound only guards against misuse.
    if (numbered.size < 5000) numbered.set(sql, text);
  }
  return text;
}

/** A statement's result on the store's direct path: rows keyed by column name. */
export interface DirectResult {
  rows: Record<string, unknown>[];
  rowsAffected: number;
}

/**
 * How the runner reaches the store without Prisma's driver adapter in between (its per-value
 * conversions and queueing cost more than short statements): SQLite's connection (group commits,
 * atomic units) or PostgreSQL's pool. Statements inside transaction() still go through the adapter.
 */
export type DirectPath =
  | { kind: 'sqlite'; connection: () => Promise<SqliteConnection> }
  | {
    kind: 'postgresql';
    statement: (sql: string, params: SqlValue[], durable: boolean) => Promise<DirectResult>;
    /** Whether a write that is not durable goes to sessions that commit without a flush (WARDEN_DURABILITY=fast). */
    lossySessions: boolean;
  };

export function createSqlRunner(kind: StoreKind, adapter: () => Promise<DriverAdapter>, direct: DirectPath): SqlRunner {
  const toQuery = (sql: string, params: SqlValue[]) => {
    assertStorableParams(params);
    return {
      sql: kind === 'postgresql' ? numberedPlaceholders(sql) : sql,
      args: params,
      argTypes: params.map(argType),
    };
  };
  const statementsOn = (queryable: Queryable): SqlStatements => ({
    async query(sql, params) {
      const result = await queryable.queryRaw(toQuery(sql, params));
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])));
    },
    execute: async (sql, params) => queryable.executeRaw(toQuery(sql, params)),
  });
  const sqlite = direct.kind === 'sqlite' ? direct.connection : undefined;
  const run = (sql: string, params: SqlValue[], durable: boolean): Promise<DirectResult> =>
    direct.kind === 'sqlite'
      ? direct.connection().then((connection) => connection.statement(sql, params))
      : direct.statement(numberedPlaceholders(sql), params, durable);
  const lossySessions = direct.kind === 'postgresql' && direct.lossySessions;
  /** An execute()'s session, and once issued, whether its commit is left to this request's cover. */
  const write = (options: WriteOptions | undefined, issue: (durable: boolean) => Promise<DirectResult>): Promise<DirectResult> => {
    const durable = options?.durable ?? true;
    if (durable !== 'before-answer') return issue(durable);
    if (!lossySessions || !coverAnnounced()) return issue(true);
    const committed = issue(false);
    awaitCover(committed);
    return committed;
  };
  // Every entry point checks its text parameters once (query, execute, insert, atomic, and toQuery for
  // transactions): a NUL or an unpaired surrogate from a request is a 400, where PostgreSQL's refusal
  // would be a 500.
  const outside: SqlStatements = {
    query: async (sql, params) => {
      assertStorableParams(params);
      return (await run(sql, params, true)).rows;
    },
    execute: async (sql, params, options) => {
      assertStorableParams(params);
      return (await write(options, (durable) => run(sql, params, durable))).rowsAffected;
    },
  };
  const batchedRow = direct.kind === 'postgresql' ? createRowBatcher(run) : undefined;
  const insert = async (sql: string, params: SqlValue[], options?: { durable?: boolean }): Promise<void> => {
    assertStorableParams(params);
    if (batchedRow) return batchedRow(sql, params, options?.durable ?? true);
    await run(sql, params, options?.durable ?? true);
  };
  async function insertBefore(sql: string, params: SqlValue[], durableWrite: () => Promise<unknown>): Promise<void> {
    if (kind === 'sqlite') {
      await Promise.all([insert(sql, params), durableWrite()]);
      return;
    }
    // Announced at once: the request's writes from now until the durable write starts (a refresh's
    // consumption of its token) leave their flush to it too.
    const cover = announceCover();
    try {
      await insert(sql, params, { durable: false });
    } catch (error) {
      cover.withdraw();
      throw error;
    }
    await cover.write(durableWrite);
  }
  async function transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    const tx = await (await adapter()).startTransaction();
    // Some adapters (pg) leave COMMIT and ROLLBACK to their caller; others (libsql) issue them.
    const finish = async (verb: 'COMMIT' | 'ROLLBACK') => {
      if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql: verb, args: [], argTypes: [] });
    };
    let result;
    try {
      result = await work(statementsOn(tx));
      await finish('COMMIT');
    } catch (error) {
      await finish('ROLLBACK').catch(() => undefined);
      await tx.rollback();
      throw error;
    }
    await tx.commit();
    return result;
  }

  async function atomic<T>(steps: () => SqlSteps<T>): Promise<T> {
    if (sqlite) {
      return (await sqlite()).unit((runStatement) => {
        const generator = steps();
        let next = generator.next();
        while (!next.done) {
          const { sql, params } = next.value;
          assertStorableParams(params);
          next = generator.next(runStatement(sql, params).rows);
        }
        return next.value;
      });
    }
    return transaction(async (tx) => {
      const generator = steps();
      let next = generator.next();
      while (!next.done) next = generator.next(await tx.query(next.value.sql, next.value.params));
      return next.value;
    });
  }

  return {
    kind,
    ...outside,
    insert,
    insertBefore,
    transaction,
    atomic,
    // SQLite: Prisma's libsql adapter writes ISO 8601 with "+00:00", which sorts like time. PostgreSQL
    // `timestamp(3)` (no zone) ignores the zone suffix of its input, so the UTC wall time is stored.
    dateParam: (date) => (kind === 'sqlite' ? date.toISOString().replace('Z', '+00:00') : date.toISOString()),
    readDate(value) {
      if (value === null || value === undefined) return null;
      if (value instanceof Date) return value;
      if (typeof value !== 'string') throw new TypeError('unexpected DateTime column value');
      // The pg adapter returns zone-less UTC text ("2026-01-02T03:04:05.678" or with "+00:00").
      return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
    },
  };
}
