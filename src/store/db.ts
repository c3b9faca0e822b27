// One client type for both stores. The schema is portable, so the SQLite and PostgreSQL clients that
// Prisma generates from it expose the same model API; the SQLite client's type is the common shape
// (PostgreSQL's is a superset in a few filter options, which portable code must not use anyway).
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresqlClient } from './generated/postgresql/client.ts';
import { createSqlRunner, type DriverAdapter, type SqlRunner } from './sql.ts';
import { createNamedStatementPool, pooledStatement } from './pg-pool.ts';
import { openSqliteConnection, type AdapterClient, type SqliteConnection } from './sqlite-connection.ts';

export { Prisma } from './generated/sqlite/client.ts';
export type * from './generated/sqlite/models.ts';

export type Db = SqliteClient;
export type StoreKind = 'sqlite' | 'postgresql';

/**
 * fast (default): SQLite commits with synchronous = NORMAL (a power cut may lose the last commits);
 * PostgreSQL commits newly issued tokens, codes, sessions and grants without waiting for the WAL
 * flush (a server crash may lose the last moment of them). full: every commit waits until it is on
 * disk (SQLite synchronous = FULL; PostgreSQL synchronous commits throughout).
 */
export type Durability = 'fast' | 'full';

/** How long an SQLite statement waits for another connection's write lock before failing. */
export const sqliteBusyTimeoutMs = 15_000;

/**
 * Prisma's libsql adapter over our own connection (sqlite-connection.ts): one connection with a busy
 * timeout (so a second process writing at the same moment waits instead of failing with SQLITE_BUSY)
 * that keeps its prepared statements, and that plain SQL can also reach directly (`connection`).
 */
class PrismaLibSQLOnOneConnection extends PrismaLibSQL {
  connection: SqliteConnection | undefined;

  override createClient(config: Parameters<PrismaLibSQL['createClient']>[0]): ReturnType<PrismaLibSQL['createClient']> {
    const client = openSqliteConnection(config.url, { busyTimeoutMs: sqliteBusyTimeoutMs });
    this.connection = client;
    // The adapter calls only what AdapterClient keeps of the client interface (execute, transaction,
    // executeMultiple, close); the rest (batch, sync, migrate) is for remote and replica databases.
    return client as AdapterClient as ReturnType<PrismaLibSQL['createClient']>;
  }
}

export function storeKindOf(databaseUrl: string): StoreKind {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error('DATABASE_URL must be a file: URL (SQLite) or a postgresql:// URL');
}

type AdapterFactory = NonNullable<NonNullable<ConstructorParameters<typeof SqliteClient>[0]>['adapter']>;

/**
 * Wraps a driver adapter factory to keep hold of the adapter Prisma connects through, so plain SQL
 * (sql.ts) can share it. Prisma connects lazily; the first plain statement triggers that connection.
 * `onDispose` closes what the store opened beside the adapter when Prisma disconnects.
 */
function sharingAdapter(factory: PrismaLibSQL | PrismaPg, db: () => Db, onDispose?: () => Promise<void>) {
  let current: Promise<DriverAdapter> | undefined;
  const wrapper: AdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = factory.connect();
      current = adapter;
      const connectedAdapter = await adapter;
      if (onDispose) {
        const dispose = connectedAdapter.dispose.bind(connectedAdapter);
        connectedAdapter.dispose = async () => {
          await dispose();
          await onDispose();
        };
      }
      return connectedAdapter;
    },
  };
  const connected = async (): Promise<DriverAdapter> => {
    if (!current) await db().$connect();
    if (!current) throw new Error('Prisma connected without its driver adapter');
    return current;
  };
  return { wrapper, connected };
}

const sqlRunners = new WeakMap<Db, SqlRunner>();

/** The plain-SQL runner sharing `db`'s connection; `db` must come from createDb (openStore). */
export function sqlRunnerFor(db: Db): SqlRunner {
  const runner = sqlRunners.get(db);
  if (!runner) throw new Error('this Prisma client was not created by openStore, so it has no SQL runner');
  return runner;
}

export function createDb(databaseUrl: string, durability: Durability = 'fast'): Db {
  const kind = storeKindOf(databaseUrl);
  let db: Db | undefined;
  if (kind === 'sqlite') {
    const factory = new PrismaLibSQLOnOneConnection({ url: databaseUrl });
    const { wrapper, connected } = sharingAdapter(factory, () => db!);
    db = new SqliteClient({ adapter: wrapper });
    const connection = async (): Promise<SqliteConnection> => {
      if (!factory.connection || factory.connection.closed) await connected();
      if (!factory.connection) throw new Error('Prisma connected without opening the SQLite connection');
      return factory.connection;
    };
    sqlRunners.set(db, createSqlRunner(kind, connected, { kind: 'sqlite', connection }));
    return db;
  }
  const pool = createNamedStatementPool(databaseUrl);
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  // Writes that may be lost in a server crash (WriteOptions.durable false) get sessions of their own.
  const lossyPool = durability === 'fast' ? createNamedStatementPool(databaseUrl, { synchronousCommit: false }) : undefined;
  const { wrapper, connected } = sharingAdapter(factory, () => db!, async () => {
    await lossyPool?.end();
  });
  // Same models and methods; the types differ only where PostgreSQL offers more (isolation levels,
  // case-insensitive filters), so viewing it through the SQLite type only hides options.
  db = new PostgresqlClient({ adapter: wrapper }) as unknown as Db;
  const durable = pooledStatement(pool);
  const lossy = lossyPool ? pooledStatement(lossyPool) : durable;
  sqlRunners.set(
    db,
    createSqlRunner(kind, connected, {
      kind: 'postgresql',
      // Through Prisma's connect first: its $disconnect is what ends the pools.
      statement: async (sql, params, isDurable) => {
        await connected();
        return (isDurable ? durable : lossy)(sql, params);
      },
      lossySessions: lossyPool !== undefined,
    }),
  );
  return db;
}
