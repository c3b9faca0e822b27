// The risk model runner: one onnxruntime-node session per process, single-threaded and sequential
// (measured faster than two threads for a model this small, and it leaves cores to the server).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { featureNames } from './spec.ts';

export const defaultModelPath = new URL('../../models/risk/risk-model.onnx', import.meta.url);

export interface RiskModel {
  /** Calibrated attack probabilities, one per row of `rows` (each row featureNames.length long). */
  score(rows: readonly Float32Array[]): Promise<Float32Array>;
  readonly version: string;
}

/**
 * Rows per session run at most. A run of this MLP costs nearly the same for 1 row as for 32 (85 and
 * 99 µs on the slow machine of 2026-12-03: the binding and the session's dispatch, not the maths); a
 * scored event brings its own row and up to a dozen occlusion rows (explain.ts).
 */
export const MAX_ROWS_PER_RUN = 256;

const cache = new Map<string, Promise<RiskModel>>();

export function loadRiskModel(path: URL | string = defaultModelPath): Promise<RiskModel> {
  const key = path.toString();
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = open(path);
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

interface Request {
  rows: readonly Float32Array[];
  resolve(scores: Float32Array): void;
  reject(error: unknown): void;
}

async function open(path: URL | string): Promise<RiskModel> {
  const bytes = await readFile(path);
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const version = `risk-mlp@${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  const width = featureNames.length;

  async function run(requests: readonly Request[]): Promise<void> {
    const total = requests.reduce((n, r) => n + r.rows.length, 0);
    const data = new Float32Array(total * width);
    let at = 0;
    for (const { rows } of requests) {
      for (const row of rows) {
        data.set(row, at * width);
        at += 1;
      }
    }
    try {
      const out = await session.run({ features: new ort.Tensor('float32', data, [total, width]) });
      const score = out['score'];
      if (!score || !(score.data instanceof Float32Array)) throw new Error('risk model returned no score');
      let from = 0;
      for (const request of requests) {
        request.resolve(score.data.slice(from, from + request.rows.length));
        from += request.rows.length;
      }
    } catch (error) {
      for (const request of requests) request.reject(error);
    }
  }

  // Events scored in the same turn of the event loop (a burst of refreshes under load) share one run.
  let queued: Request[] = [];
  function flush(): void {
    const requests = queued;
    queued = [];
    let batch: Request[] = [];
    let rows = 0;
    for (const request of requests) {
      if (batch.length > 0 && rows + request.rows.length > MAX_ROWS_PER_RUN) {
        void run(batch);
        batch = [];
        rows = 0;
      }
      batch.push(request);
      rows += request.rows.length;
    }
    if (batch.length > 0) void run(batch);
  }

  return {
    version,
    score(rows) {
      for (const r of rows) {
        if (r.length !== width) return Promise.reject(new Error(`risk model expects ${width} features, got ${r.length}`));
      }
      if (rows.length === 0) return Promise.resolve(new Float32Array(0));
      return new Promise<Float32Array>((resolve, reject) => {
        if (queued.length === 0) setImmediate(flush);
        queued.push({ rows, resolve, reject });
      });
    },
  };
}
