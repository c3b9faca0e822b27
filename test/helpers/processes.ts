// Runs test/helpers/store-worker.ts in child processes and collects their JSON output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./store-worker.ts', import.meta.url));

export async function runStoreWorker<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    timeout: 120_000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}
