// The two stores Warden supports, and where each one's generated artefacts live. Shared by the build,
// generate and migration scripts so the paths are spelled once.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type StoreKind = 'sqlite' | 'postgresql';

export const storeKinds: readonly StoreKind[] = ['sqlite', 'postgresql'];

export const prismaDir = path.dirname(fileURLToPath(import.meta.url));

export const modelsFile = path.join(prismaDir, 'models.prisma');

export function schemaFile(kind: StoreKind): string {
  return path.join(prismaDir, kind, 'schema.prisma');
}

export function migrationsDir(kind: StoreKind): string {
  return path.join(prismaDir, kind, 'migrations');
}

export function configFile(kind: StoreKind): string {
  return path.join(prismaDir, `${kind}.config.ts`);
}

// The schema as of the newest committed migration: the starting point of the next diff.
export function migratedSchemaFile(kind: StoreKind): string {
  return path.join(prismaDir, kind, 'migrated.prisma');
}
