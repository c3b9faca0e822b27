// Applies the committed migrations (prisma/<kind>/migrations/*/migration.sql) in name order and records
// them in Prisma's own `_prisma_migrations` table, so `prisma migrate status` agrees with what ran here.
// Running in-process avoids spawning the Prisma CLI at every start. Concurrent starts are safe:
// PostgreSQL takes the same advisory lock as `prisma migrate deploy`; SQLite applies everything inside
// one BEGIN IMMEDIATE transaction, which a second process waits for (busy timeout).
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { createClient as createLibsqlClient } from '@libsql/client';
import { sqliteBusyTimeoutMs, storeKindOf, type StoreKind } from './db.ts';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  kind: StoreKind;
  applied: string[];
}

/** prisma migrate deploy's lock id: holding it also keeps a concurrent CLI deploy out. */
const prismaMigrateLockId = 72707369;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function readMigrations(kind: StoreKind): Migration[] {
  const dir = path.join(repoRoot, 'prisma', kind, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** The migrations still to apply, after checking that what ran before is what is committed now. */
export function pendingMigrations(all: Migration[], applied: AppliedRow[]): Migration[] {
  const done = new Map<string, AppliedRow>();
  for (const row of applied) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new Error(
        `migration ${row.migration_name} failed earlier and left the database half-migrated; ` +
          'repair it by hand, then mark it rolled back (npx prisma migrate resolve)',
      );
    }
    done.set(row.migration_name, row);
  }
  for (const migration of all) {
    const row = done.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new Error(`migration ${migration.name} was changed after it was applied (checksum mismatch)`);
    }
  }
  return all.filter((migration) => !done.has(migration.name));
}

export async function migrate(config: { databaseUrl: string }): Promise<MigrateResult> {
  const kind = storeKindOf(config.databaseUrl);
  const all = readMigrations(kind);
  const applied =
    kind === 'sqlite' ? await migrateSqlite(config.databaseUrl, all) : await migratePostgresql(config.databaseUrl, all);
  return { kind, applied };
}

async function migratePostgresql(databaseUrl: string, all: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [prismaMigrateLockId]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const pending = pendingMigrations(all, rows.rows);
    for (const migration of pending) {
      // Each migration commits with its record, so a failure leaves no half-applied step behind.
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${errorMessage(error)}`, { cause: error });
      }
    }
    return pending.map((migration) => migration.name);
  } finally {
    // Ending the session releases the advisory lock too; unlocking first just frees it sooner.
    await client.query('SELECT pg_advisory_unlock($1)', [prismaMigrateLockId]).catch(() => undefined);
    await client.end();
  }
}

async function migrateSqlite(databaseUrl: string, all: Migration[]): Promise<string[]> {
  const client = createLibsqlClient({ url: databaseUrl, timeout: sqliteBusyTimeoutMs, concurrency: 1 });
  try {
    // WAL lets readers proceed during a write; the setting is stored in the database file.
    await client.execute('PRAGMA journal_mode = WAL');
    const tx = await client.transaction('write');
    try {
      await tx.execute(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "checksum" TEXT NOT NULL,
        "finished_at" DATETIME,
        "migration_name" TEXT NOT NULL,
        "logs" TEXT,
        "rolled_back_at" DATETIME,
        "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
        "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
      )`);
      const result = await tx.execute(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const rows: AppliedRow[] = result.rows.map((row) => ({
        migration_name: String(row.migration_name),
        checksum: String(row.checksum),
        finished_at: row.finished_at ?? null,
        rolled_back_at: row.rolled_back_at ?? null,
      }));
      const pending = pendingMigrations(all, rows);
      for (const migration of pending) {
        try {
          await tx.executeMultiple(migration.sql);
        } catch (error) {
          throw new Error(`migration ${migration.name} failed: ${errorMessage(error)}`, { cause: error });
        }
        const now = Date.now();
        await tx.execute({
          sql: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
                VALUES (?, ?, ?, ?, ?, 1)`,
          args: [randomUUID(), migration.checksum, migration.name, now, now],
        });
      }
      await tx.commit();
      return pending.map((migration) => migration.name);
    } catch (error) {
      await tx.rollback();
      throw error;
    } finally {
      tx.close();
    }
  } finally {
    client.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
