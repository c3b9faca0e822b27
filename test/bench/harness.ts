// Shared benchmark plumbing: start a server script pinned to one CPU core and wait for its READY line.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import type { BenchFixture } from './servers/mint.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  fixture: BenchFixture;
  /** CPU seconds the server process has used so far (every thread: argon2's pool included). */
  cpuSeconds(): number;
  /** CPU seconds its main thread (the event loop) has used so far. */
  mainThreadCpuSeconds(): number;
  stop(): Promise<void>;
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime + stime of a process (all its threads) in seconds, from /proc (Linux), or of one of its
 * threads (`thread`: its id; the main thread's is the pid); NaN when unreadable.
 */
export function processCpuSeconds(pid: number, thread?: number): number {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    // After "pid (comm) ", fields 3.. of proc(5): utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds used so far by each running process named `name` (e.g. every PostgreSQL backend). */
export function cpuByProcess(name: string): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
    } catch {
      continue;
    }
    const cpu = processCpuSeconds(Number(entry));
    if (Number.isFinite(cpu)) out.set(Number(entry), cpu);
  }
  return out;
}

/**
 * CPU seconds those processes used between two cpuByProcess() snapshots: a process that started in
 * between counts whole; one that exited in between is lost (short-lived autovacuum workers).
 */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** PostgreSQL: the process ids of the sessions open on `database`, through an admin connection. */
export async function sessionPids(admin: pg.Client, database: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((row) => row.pid);
}

/**
 * PostgreSQL: moves the sessions open on `database` onto every core but the server's, so that the
 * server has its core to itself as the targets assume, and the database shares the load generator's
 * (a production database has a host of its own and takes no core from Warden at all). Unpinned, the
 * kernel runs backends on the server's core too, and the server's rate then also measures how much
 * of the database's work lands there. The pool opens sessions under load: call again after a
 * warm-up. BENCH_PIN_DATABASE=0 leaves them where the kernel puts them. Returns how many were moved.
 */
export async function pinDatabaseSessions(adminUrl: string, database: string, serverCore: number): Promise<number> {
  if (process.env.BENCH_PIN_DATABASE === '0') return 0;
  const others = os.cpus().map((_, core) => core).filter((core) => core !== serverCore);
  if (others.length === 0) return 0;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    let moved = 0;
    for (const pid of await sessionPids(admin, database)) {
      try {
        execFileSync('taskset', ['-p', '-c', others.join(','), String(pid)], { stdio: 'ignore' });
        moved += 1;
      } catch (error) {
        // A session that ended since the lookup (the pool closes idle ones) has nothing to move.
        if (existsSync(`/proc/${pid}`)) throw error;
      }
    }
    return moved;
  } finally {
    await admin.end();
  }
}

/** The environment of a bench Warden server (test/bench/servers/warden.ts) on `port` over `database`. */
export function wardenServerEnv(database: { databaseUrl: string; dataDir: string }, port: number): Record<string, string> {
  return {
    PORT: String(port),
    WARDEN_ISSUER: `http://localhost:${port}`,
    DATABASE_URL: database.databaseUrl,
    WARDEN_DATA_DIR: database.dataDir,
    WARDEN_SECRET_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Starts `script` under `taskset -c <core>` so it gets exactly one core, as the targets assume;
 * `checkout`: the working tree to run it from (another commit's, for an A/B).
 */
export function startPinned(
  script: string,
  env: Record<string, string>,
  core = Number(process.env.BENCH_SERVER_CORE ?? 0),
  checkout = root,
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under load.
  nodeArgsText = process.env.BENCH_SERVER_NODE_ARGS ?? '',
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const nodeArgs = nodeArgsText.split(' ').filter(Boolean);
    const child: ChildProcess = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, '--import', 'tsx', path.join(checkout, script)], {
      cwd: checkout,
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
        cpuSeconds: () => (child.pid === undefined ? Number.NaN : processCpuSeconds(child.pid)),
        mainThreadCpuSeconds: () => (child.pid === undefined ? Number.NaN : processCpuSeconds(child.pid, child.pid)),
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
