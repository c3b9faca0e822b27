// Shared benchmark plumbing: start a server script pinned to one CPU core and wait for its READY line.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFixture } from './servers/mint.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  fixture: BenchFixture;
  stop(): Promise<void>;
}

/** Starts `script` under `taskset -c <core>` so it gets exactly one core, as the targets assume. */
export function startPinned(script: string, env: Record<string, string>, core = Number(process.env.BENCH_SERVER_CORE ?? 0)): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under load.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child: ChildProcess = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, '--import', 'tsx', path.join(root, script)], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 120 s`)), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        fixture: JSON.parse(line.slice(6)) as BenchFixture,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function formatRate(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}
