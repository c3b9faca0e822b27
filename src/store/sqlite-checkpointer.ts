// SQLite copies the WAL back into the database file (a checkpoint, with an fsync) inside whichever
// commit crosses wal_autocheckpoint pages. libsql is synchronous, so on the one connection of a server
// that is a stall of the event loop every thousand pages: the p99 of every write (a scored login's
// assess() went from 1.6 to 9.6 ms). A worker thread with a connection of its own checkpoints in the
// background instead (PASSIVE: never waits for, nor blocks, readers and writers); the commit-time
// checkpoint stays as a backstop at a higher threshold, so the WAL stays bounded if the worker lags.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the WAL may hold before a commit checkpoints it anyway (4 KiB pages: 40 MiB). */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  walFrames: number;
  checkpointed: number;
}

export interface Checkpointer {
  stop(): Promise<void>;
}

// CommonJS run with `eval` so the worker needs no TypeScript loader (bin/warden.js registers tsx in
// the main thread only).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
const db = new Database(workerData.path, { timeout: 0 });
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw(true);
const timer = setInterval(() => {
  try {
    const [row] = checkpoint.all();
    if (workerData.report && row) parentPort.postMessage({ walFrames: Number(row[1]), checkpointed: Number(row[2]) });
  } catch {
    // Busy (another process is checkpointing) or closed: the next round tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try {
    db.close();
  } catch {
    // The database may be gone already (its files deleted after the main connection closed).
  }
  parentPort.close();
});
`;

export function startCheckpointer(path: string, options: { intervalMs?: number; onCheckpoint?: (result: CheckpointResult) => void } = {}): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      libsql: createRequire(import.meta.url).resolve('libsql'),
      intervalMs: options.intervalMs ?? 1000,
      report: options.onCheckpoint !== undefined,
    },
  });
  // Never what keeps a process (a CLI command, a test) alive.
  worker.unref();
  if (options.onCheckpoint) worker.on('message', (result: CheckpointResult) => options.onCheckpoint?.(result));
  // A failing checkpointer leaves the commit-time backstop doing the work.
  worker.on('error', () => undefined);
  return {
    async stop() {
      // Let it close its connection and end by itself; terminate only one that does not. (Not
      // events.once: it would reject on the worker's 'error' event, and stopping never fails.)
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      timer.unref();
      await exited;
      clearTimeout(timer);
    },
  };
}
