// Prisma CLI configuration for the SQLite store: JS schema engine over the libsql driver adapter, so
// `generate`, `migrate diff` and `migrate status` run offline.
import { defineConfig } from 'prisma/config';
import { PrismaLibSQL } from '@prisma/adapter-libsql';

const url = process.env.DATABASE_URL?.startsWith('file:') ? process.env.DATABASE_URL : 'file:./data/warden.db';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './sqlite/schema.prisma',
  migrations: { path: './sqlite/migrations' },
  adapter: async () => new PrismaLibSQL({ url }),
});
