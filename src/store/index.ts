// The store: one Prisma client over SQLite (embedded default) or PostgreSQL, migrated before first use.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, storeKindOf, type Db, type StoreKind } from './db.ts';
import { migrate } from './migrate.ts';

export { Prisma, storeKindOf, type Db, type StoreKind } from './db.ts';
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
}

export interface OpenStoreOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
}

export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const kind = storeKindOf(config.databaseUrl);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (kind === 'sqlite') mkdirSync(path.dirname(fileURLToPath(config.databaseUrl)), { recursive: true });
  if (options.migrate ?? true) await migrate(config);
  const db = createDb(config.databaseUrl);
  await db.$connect();
  if (kind === 'sqlite') {
    // In WAL mode NORMAL skips the fsync at each commit (it happens at checkpoints): a crash of the
    // process loses nothing, a power cut may lose the last commits. FULL would cost one fsync per token.
    await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  }
  return { db, kind, close: () => db.$disconnect() };
}
