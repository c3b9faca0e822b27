import test from 'ava';
import { readFileSync } from 'node:fs';
import { buildSchemas } from '../../prisma/build-schemas.ts';
import { runPrisma } from '../../prisma/prisma-cli.ts';
import { migratedSchemaFile, schemaFile, storeKinds } from '../../prisma/schema-targets.ts';

test.before(() => {
  buildSchemas();
});

for (const kind of storeKinds) {
  test(`the committed migrations cover every change to models.prisma [${kind}]`, (t) => {
    const env: Record<string, string> = kind === 'sqlite' ? { DATABASE_URL: 'file::memory:' } : {};
    const args = ['migrate', 'diff', '--from-schema-datamodel', migratedSchemaFile(kind), '--to-schema-datamodel', schemaFile(kind), '--script', '--exit-code'];
    const run = runPrisma(kind, args, { quiet: true, env });
    t.is(run.status, 0, `models.prisma changed without a migration; run npm run db:migration -- <name>\n${run.stdout}${run.stderr}`);
  });

  test(`the generated schema is models.prisma under its store header [${kind}]`, (t) => {
    const schema = readFileSync(schemaFile(kind), 'utf8');
    t.true(schema.endsWith(readFileSync(new URL('../../prisma/models.prisma', import.meta.url), 'utf8')));
    t.true(schema.includes(`provider = "${kind}"`));
    t.true(schema.includes(`output                 = "../../src/store/generated/${kind}"`));
  });
}
