// Fresh, migrated stores for tests: a temporary SQLite file, or a new PostgreSQL database
// `warden_t_<random>` on the local server (dropped again by dispose()).
//   for (const kind of storeKinds) test(`does X [${kind}]`, async (t) => { const s = await openTestStore(kind); ... });
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { openStore, type Db, type Store, type StoreKind } from '../../src/store/index.ts';

export type { StoreKind };

/** Both stores; WARDEN_TEST_STORES=sqlite (comma-separated) narrows the list for a quick local run. */
export const storeKinds: readonly StoreKind[] = (process.env.WARDEN_TEST_STORES ?? 'sqlite,postgresql')
  .split(',')
  .map((kind) => kind.trim())
  .filter((kind): kind is StoreKind => kind === 'sqlite' || kind === 'postgresql');

/** Server-level URL for creating and dropping test databases. */
export const testPostgresAdminUrl = process.env.WARDEN_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestStore {
  kind: StoreKind;
  store: Store;
  db: Db;
  databaseUrl: string;
  dataDir: string;
  /** A full Config for this store (random secret key, issuer http://localhost:3000, LOG_LEVEL silent). */
  config: Config;
  /** Close the store and delete its database and data folder. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface TestDatabase {
  kind: StoreKind;
  databaseUrl: string;
  dataDir: string;
  dispose(): Promise<void>;
}

/** An empty database (nothing migrated) plus a temporary data folder. */
export async function createTestDatabase(kind: StoreKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'warden-t-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') {
    return {
      kind,
      dataDir,
      databaseUrl: pathToFileURL(path.join(dataDir, 'warden.db')).href,
      dispose: async () => removeDir(),
    };
  }
  const name = `warden_t_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testPostgresAdminUrl);
  url.pathname = `/${name}`;
  let disposed = false;
  return {
    kind,
    dataDir,
    databaseUrl: url.href,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      removeDir();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A fresh, migrated store. `env` adds or overrides variables for the returned Config. */
export async function openTestStore(kind: StoreKind, env: Record<string, string> = {}): Promise<TestStore> {
  const database = await createTestDatabase(kind);
  try {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      WARDEN_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl,
      WARDEN_SECRET_KEY: randomBytes(32).toString('base64'),
      ...env,
    });
    const store = await openStore(config);
    let closed = false;
    return {
      kind,
      store,
      db: store.db,
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
      config,
      dispose: async () => {
        if (!closed) {
          closed = true;
          await store.close();
        }
        await database.dispose();
      },
    };
  } catch (error) {
    await database.dispose();
    throw error;
  }
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: testPostgresAdminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
