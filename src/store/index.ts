// The store: one Prisma client over SQLite (embedded default) or PostgreSQL, migrated before first use.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, storeKindOf, type Db, type Durability, type StoreKind } from './db.ts';
import { migrate } from './migrate.ts';

export { Prisma, sqlRunnerFor, storeKindOf, type Db, type Durability, type StoreKind } from './db.ts';
export type { SqlRunner, SqlStatements, SqlStep, SqlSteps, SqlValue, WriteOptions } from './sql.ts';
export type * from './db.ts';
export { migrate, type MigrateResult } from './migrate.ts';

export interface Store {
  db: Db;
  kind: StoreKind;
  close(): Promise<void>;
}

export interface StoreConfig {
  databaseUrl: string;
  dataDir: string;
  /** Default fast. On SQLite the first store opened on a file in a process sets it. */
  durability?: Durability;
  /**
   * WARDEN_SECRET_KEY: what protects data at rest from whoever can read or write the database (the
   * audit chain's seals derive their key from it; client secrets are sealed under it). A store opened
   * without it refuses those two; everything else works.
   */
  secretKey?: Buffer;
}

export interface OpenStoreOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
}

interface SharedSqlite {
  db: Promise<Db>;
  users: number;
}

/**
 * SQLite files open in this process, shared by every Store on them. libsql waits for a lock
 * synchronously, so a second connection in the same process that waited for the first one's open
 * transaction would block the very event loop that has to finish it (a stall until the busy timeout).
 * One client per file per process serialises its statements instead (the adapter queues them).
 */
const openSqlite = new Map<string, SharedSqlite>();

const masterKeys = new WeakMap<Db, Buffer>();

/** The master key the store was opened with (StoreConfig.secretKey), if any. */
export function masterKeyOf(db: Db): Buffer | undefined {
  return masterKeys.get(db);
}

export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const kind = storeKindOf(config.databaseUrl);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (kind === 'postgresql') {
    if (options.migrate ?? true) await migrate(config);
    const db = createDb(config.databaseUrl, config.durability);
    await db.$connect();
    if (config.secretKey) masterKeys.set(db, config.secretKey);
    return { db, kind, close: () => db.$disconnect() };
  }

  const file = fileURLToPath(config.databaseUrl);
  let shared = openSqlite.get(file);
  if (!shared) {
    shared = { db: connectSqlite(config.databaseUrl, options.migrate ?? true, config.durability ?? 'fast'), users: 0 };
    openSqlite.set(file, shared);
    shared.db.catch(() => openSqlite.delete(file));
  }
  shared.users += 1;
  const entry = shared;
  const db = await entry.db;
  if (config.secretKey) masterKeys.set(db, config.secretKey);
  let closed = false;
  return {
    db,
    kind,
    close: async () => {
      if (closed) return;
      closed = true;
      entry.users -= 1;
      if (entry.users === 0) {
        openSqlite.delete(file);
        await db.$disconnect();
      }
    },
  };
}

async function connectSqlite(databaseUrl: string, runMigrations: boolean, durability: Durability): Promise<Db> {
  mkdirSync(path.dirname(fileURLToPath(databaseUrl)), { recursive: true });
  if (runMigrations) await migrate({ databaseUrl });
  const db = createDb(databaseUrl, durability);
  await db.$connect();
  // In WAL mode NORMAL skips the fsync at each commit (it happens at checkpoints): a crash of the
  // process loses nothing, a power cut may lose the last commits. FULL costs one fsync per group commit.
  await db.$executeRawUnsafe(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  return db;
}
