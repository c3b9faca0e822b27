// Prisma CLI configuration for the PostgreSQL store: JS schema engine over the pg driver adapter.
// `migrate diff --from-migrations` creates (and drops) a temporary shadow database on this server.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

const url = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL
  : 'postgresql://postgres@127.0.0.1:5432/postgres';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './postgresql/schema.prisma',
  migrations: { path: './postgresql/migrations' },
  adapter: async () => new PrismaPg({ connectionString: url }),
});
