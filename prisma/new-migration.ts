// `npm run db:migration -- <name>`: diff the schema as of the newest committed migration
// (prisma/<kind>/migrated.prisma) against the current one and write the next migration for both stores.
// Datamodel-to-datamodel diffs need no shadow database: with the JS schema engine, `--from-migrations`
// cannot describe a PostgreSQL shadow database (it fails on the `name` column type). Review the SQL
// before committing it, together with the updated migrated.prisma.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchemas } from './build-schemas.ts';
import { runPrisma } from './prisma-cli.ts';
import { migratedSchemaFile, migrationsDir, schemaFile, storeKinds, type StoreKind } from './schema-targets.ts';

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function diffFor(kind: StoreKind): string {
  const migrated = migratedSchemaFile(kind);
  const from = existsSync(migrated) ? ['--from-schema-datamodel', migrated] : ['--from-empty'];
  // The SQLite diff needs no real database; an in-memory one keeps data/ untouched.
  const env: Record<string, string> = kind === 'sqlite' ? { DATABASE_URL: 'file::memory:' } : {};
  const args = ['migrate', 'diff', ...from, '--to-schema-datamodel', schemaFile(kind), '--script'];
  const run = runPrisma(kind, args, { quiet: true, env });
  if (run.status !== 0) throw new Error(`prisma migrate diff failed for ${kind}`);
  return run.stdout;
}

function isEmptyDiff(sql: string): boolean {
  return sql.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('--'));
}

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name>   (lower-case letters, digits and _)');
  process.exit(2);
}

buildSchemas();
const folder = `${timestamp(new Date())}_${name}`;
for (const kind of storeKinds) {
  const sql = diffFor(kind);
  if (isEmptyDiff(sql)) {
    console.log(`${kind}: schema unchanged, no migration written`);
    continue;
  }
  const dir = migrationsDir(kind);
  mkdirSync(path.join(dir, folder), { recursive: true });
  writeFileSync(path.join(dir, 'migration_lock.toml'), `provider = "${kind}"\n`);
  writeFileSync(path.join(dir, folder, 'migration.sql'), sql);
  copyFileSync(schemaFile(kind), migratedSchemaFile(kind));
  console.log(`${kind}: wrote ${path.relative(process.cwd(), path.join(dir, folder, 'migration.sql'))}`);
}
