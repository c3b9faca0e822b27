// The PostgreSQL pool Prisma's pg adapter drives, with its parameterised statements named. The adapter
// sends every query unnamed, so the server parsed and planned each one again on every call; a named
// statement is parsed once per connection and reused (pg keeps track of which connection has which).
import { createHash } from 'node:crypto';
import pg from 'pg';

/** Distinct statements named per process; past this, new ones run unnamed (connections keep theirs). */
const NAMED_STATEMENT_LIMIT = 1000;

interface TextQuery {
  text: string;
  values?: unknown[];
  name?: string;
}

function isTextQuery(config: unknown): config is TextQuery {
  if (typeof config !== 'object' || config === null) return false;
  // A Submittable (cursor, stream) manages its own protocol messages.
  if ('submit' in config) return false;
  return 'text' in config && typeof config.text === 'string';
}

export function createStatementNamer(limit = NAMED_STATEMENT_LIMIT): (config: unknown) => unknown {
  const names = new Map<string, string>();
  return (config) => {
    // Statements without parameters (BEGIN, COMMIT) gain nothing from a plan of their own.
    if (!isTextQuery(config) || config.name !== undefined || !config.values || config.values.length === 0) return config;
    let name = names.get(config.text);
    if (name === undefined) {
      if (names.size >= limit) return config;
      name = `warden_${createHash('sha256').update(config.text).digest('base64url').slice(0, 24)}`;
      names.set(config.text, name);
    }
    return { ...config, name };
  };
}

/**
 * Planner settings of every Warden session. Generic plans: a named statement is planned once per
 * connection instead of on every call (the risk feature read, a statement with a dozen index
 * lookups, took 2 ms to plan and 0.3 ms to run when PostgreSQL kept choosing custom plans for it).
 * No sequential scans where an index serves: a generic plan made while a table is still empty (a new
 * deployment's first minute, before autovacuum's first ANALYZE) would otherwise keep reading the
 * whole table as it grows. Every hot-path lookup is an index range by design, and the indexes are
 * laid out so that one of them fits each lookup best even without statistics (prisma/models.prisma).
 */
export const plannerSettings: readonly string[] = ['plan_cache_mode=force_generic_plan', 'enable_seqscan=off'];

/**
 * How long any statement of a Warden session waits for a lock before it fails. Every Warden
 * transaction is short, but a maintenance one may hold a hot row for a while (`warden audit seal`
 * holds the audit head for its whole walk): a login's audit append behind it then fails after this
 * with a 5xx, instead of holding its request and a pool connection for as long as the other runs.
 * Migrations run on a connection of their own (store/migrate.ts) and wait for each other's
 * advisory lock as long as they need.
 */
export const LOCK_TIMEOUT = '30s';

/** Every setting a Warden session starts with, as the pool opens it. */
export const sessionSettings: readonly string[] = [...plannerSettings, `lock_timeout=${LOCK_TIMEOUT}`];

/**
 * A pg Pool whose clients name their parameterised statements. `synchronousCommit: false` opens its
 * sessions with synchronous_commit off (see WriteOptions.durable).
 */
export function createNamedStatementPool(connectionString: string, options: { synchronousCommit?: boolean } = {}): pg.Pool {
  const nameOf = createStatementNamer();
  class NamedStatementClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // pg's query() has a dozen overloads; wrapping the instance's method keeps them all.
      const query = this.query.bind(this) as (config: unknown, ...rest: unknown[]) => unknown;
      Object.defineProperty(this, 'query', { value: (config: unknown, ...rest: unknown[]) => query(nameOf(config), ...rest) });
    }
  }
  const pool = new pg.Pool({
    connectionString,
    Client: NamedStatementClient,
    options: [...sessionSettings, ...(options.synchronousCommit === false ? ['synchronous_commit=off'] : [])].map((s) => `-c ${s}`).join(' '),
  });
  // An idle connection the server closed (restart, failover, a dropped database) is discarded by the
  // pool and the next query opens a new one; without a listener the event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

// Timestamps as text ("2026-01-02T03:04:05.678", zone-less UTC, as Prisma's adapter gives them to
// SqlRunner.readDate): pg's default parser would read a zone-less timestamp in the process's zone.
// (timestamptz carries its zone, so pg's Date for it is right.)
const TIMESTAMP = 1114;
const rawTimestamps = new pg.TypeOverrides();
rawTimestamps.setTypeParser(TIMESTAMP, (value: string) => value.replace(' ', 'T'));

/** One statement on any pooled connection ($1-numbered parameters), rows keyed by column name. */
export function pooledStatement(pool: pg.Pool) {
  return async (text: string, values: Array<string | number | null>) => {
    const result = await pool.query<Record<string, unknown>>({ text, values, types: rawTimestamps });
    return { rows: result.rows, rowsAffected: result.rowCount ?? 0 };
  };
}
