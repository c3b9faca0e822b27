// Runs the project's own Prisma CLI on the current Node (never a global one, never a download).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { configFile, prismaDir, type StoreKind } from './schema-targets.ts';
import path from 'node:path';

const require = createRequire(import.meta.url);
const prismaEntry = require.resolve('prisma/build/index.js');

export interface PrismaRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runPrisma(
  kind: StoreKind,
  args: string[],
  options: { quiet?: boolean; env?: Record<string, string> } = {},
): PrismaRun {
  const result = spawnSync(process.execPath, [prismaEntry, ...args, '--config', configFile(kind)], {
    cwd: path.dirname(prismaDir),
    encoding: 'utf8',
    // Update checks and telemetry would try the network, which may not be reachable.
    env: { ...process.env, ...options.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (run.status !== 0 || !options.quiet) {
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
  }
  return run;
}
