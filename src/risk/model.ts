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
  return {
    version,
    async score(rows) {
      const data = new Float32Array(rows.length * width);
      rows.forEach((r, i) => {
        if (r.length !== width) throw new Error(`risk model expects ${width} features, got ${r.length}`);
        data.set(r, i * width);
      });
      const out = await session.run({ features: new ort.Tensor('float32', data, [rows.length, width]) });
      const score = out['score'];
      if (!score || !(score.data instanceof Float32Array)) throw new Error('risk model returned no score');
      return score.data;
    },
  };
}
