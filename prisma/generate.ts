// npm postinstall: rebuild both schemas from models.prisma and generate both Prisma clients into
// src/store/generated/ (git-ignored). Needs no network and no database.
import { buildSchemas } from './build-schemas.ts';
import { runPrisma } from './prisma-cli.ts';
import { storeKinds } from './schema-targets.ts';

buildSchemas();
for (const kind of storeKinds) {
  const run = runPrisma(kind, ['generate'], { quiet: true });
  if (run.status !== 0) {
    console.error(`prisma generate failed for the ${kind} store`);
    process.exit(run.status);
  }
  console.log(`generated the ${kind} Prisma client`);
}
