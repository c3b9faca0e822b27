// Fresh, migrated stores for tests: a temporary SQLite file, or a new PostgreSQL database
// `warden_t_<random>` on the local server (dropped again by dispose()).
//   for (const kind of storeKinds) test(`does X [${kind}]`, async (t) => { const s = await openTestStore(kind); ... });
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { migrate, openStore, type Db, type Store, type StoreKind } from '../../src/store/index.ts';
import { readMigrations } from '../../src/store/migrate.ts';

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

/**
 * An empty database (nothing migrated) plus a temporary data folder. With `migrated`, a PostgreSQL
 * database is cloned from a migrated template, which is several times faster than migrating it.
 */
export async function createTestDatabase(kind: StoreKind, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
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
  const template = options.migrated ? await migratedTemplate() : undefined;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
  let disposed = false;
  return {
    kind,
    dataDir,
    databaseUrl: postgresUrl(name),
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
  const database = await createTestDatabase(kind, { migrated: true });
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

function postgresUrl(database: string): string {
  const url = new URL(testPostgresAdminUrl);
  url.pathname = `/${database}`;
  return url.href;
}

const templateLockId = 0x5761_7264; // any constant shared by every test process
let templateName: Promise<string> | undefined;

/**
 * The name of a PostgreSQL database holding exactly the committed migrations, built once per migration
 * set (its name carries their checksums) and shared by all test processes. It is built under another
 * name and renamed when complete, so a crash never leaves a half-migrated template behind.
 */
function migratedTemplate(): Promise<string> {
  templateName ??= withAdmin(async (admin) => {
    const fingerprint = createHash('sha256')
      .update(readMigrations('postgresql').map((migration) => `${migration.name}:${migration.checksum}`).join('\n'))
      .digest('hex')
      .slice(0, 16);
    const name = `warden_tpl_${fingerprint}`;
    await admin.query('SELECT pg_advisory_lock($1)', [templateLockId]);
    try {
      const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (existing.rowCount === 0) {
        const building = `${name}_build_${randomBytes(4).toString('hex')}`;
        await admin.query(`CREATE DATABASE "${building}"`);
        await migrate({ databaseUrl: postgresUrl(building) });
        await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        // Templates of older migration sets are of no further use; one still being cloned stays.
        const stale = await admin.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE datname LIKE 'warden\\_tpl\\_%' AND datname <> $1`,
          [name],
        );
        for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
      }
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [templateLockId]);
    }
  });
  return templateName;
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
