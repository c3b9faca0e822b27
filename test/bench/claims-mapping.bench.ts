// Cold mapping of one attribute: a name the tables do not know, so normalisation, evidence, the
// encoder and the cached decoder all run. p50 / p99 on one core, and the model's file size.
//   taskset -c 0 npx tsx test/bench/claims-mapping.bench.ts [rows]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createClaimMapperModel } from '../../src/claims/model/mapper.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const rowsFile = fileURLToPath(new URL('../../models/claims/data/heldout.jsonl', import.meta.url));
interface Row { protocol: string; attribute: string; value: unknown }

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const round = (x: number): number => Math.round(x * 1000) / 1000;

export async function run(limit = 2000): Promise<Record<string, unknown>> {
  const rows = readFileSync(rowsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row).slice(0, limit);
  const t0 = performance.now();
  // Held-out names are excluded from the tables, so every call is a cold path through the model.
  const mapper = await createClaimMapperModel({ excludeHeldOut: true });
  const loadMs = performance.now() - t0;
  for (const r of rows.slice(0, 50)) await mapper.propose(r); // JIT and session warm-up
  const all: number[] = [];
  const viaModel: number[] = [];
  for (const r of rows) {
    const a = performance.now();
    const p = await mapper.propose(r);
    const ms = performance.now() - a;
    all.push(ms);
    // The evidence path decodes twice (free, then forced to the claim the value points at): the worst cold case.
    if (p.source !== 'table') viaModel.push(ms);
  }
  const result = {
    rows: rows.length,
    loadMs: round(loadMs),
    allMs: { p50: round(quantile(all, 0.5)), p99: round(quantile(all, 0.99)) },
    modelPathMs: { n: viaModel.length, p50: round(quantile(viaModel, 0.5)), p99: round(quantile(viaModel, 0.99)) },
    modelBytes: mapper.modelBytes,
    modelVersion: mapper.modelVersion,
  };
  console.log(JSON.stringify(result, null, 1));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'claims-mapping.json'), JSON.stringify({ ...result, at: new Date().toISOString(), command: 'taskset -c 0 npx tsx test/bench/claims-mapping.bench.ts' }, null, 1) + '\n');
  return result;
}

await run(Number(process.argv[2] ?? 2000));
