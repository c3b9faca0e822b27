/**
 * Evaluates the whole claim-mapping pipeline (normaliser + tables + value evidence + model +
 * interpreter) on attribute names held out from training and from the tables, next to a
 * pass-through baseline. Prints exact match overall and per target, unsafe mappings, latency, and
 * writes models/claims/metrics.json.
 *
 *   npm run models:eval:claims            (LIMIT=500 for a quick look)
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseProgram, runProgram } from '../../src/claims/language/index.ts';
import { createClaimMapperModel, IDENTITY_CLAIMS } from '../../src/claims/model/mapper.ts';
import { TARGETS } from '../../src/claims/model/program.ts';

const here = dirname(fileURLToPath(import.meta.url));

interface Row { protocol: string; attribute: string; value: unknown; target: string; program: string; key: string }
interface Outcome { claim?: string; value?: unknown }


export function outcome(program: string, value: unknown): Outcome {
  const parsed = parseProgram(program);
  if (!parsed.ok) throw new Error(`unparseable program ${program}: ${parsed.error.message}`);
  const r = runProgram(parsed.program, value);
  return 'ok' in r && r.ok ? { claim: r.claim, value: r.value } : {};
}

const same = (a: Outcome, b: Outcome): boolean => a.claim === b.claim && isDeepStrictEqual(a.value, b.value);

/** Standard OIDC names kept as they are, everything else dropped. */
function passThrough(attribute: string): string {
  return (TARGETS as readonly string[]).includes(attribute) ? `${attribute} := v` : 'drop';
}

interface Tally { n: number; exact: number; unsafe: number }
const tally = (): Tally => ({ n: 0, exact: 0, unsafe: 0 });

function score(t: Tally, predicted: Outcome, expected: Outcome): void {
  t.n++;
  if (same(predicted, expected)) t.exact++;
  else if (predicted.claim !== undefined && IDENTITY_CLAIMS.has(predicted.claim) && predicted.claim !== expected.claim) t.unsafe++;
}

const file = join(here, 'data/heldout.jsonl');
if (!existsSync(file)) throw new Error('models/claims/data/heldout.jsonl is missing: run `node --import tsx models/claims/generate.ts`');
let rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
if (process.env.LIMIT) rows = rows.slice(0, Number(process.env.LIMIT));

const identityThreshold = process.env.IDENTITY_THRESHOLD === undefined ? undefined : Number(process.env.IDENTITY_THRESHOLD);
const mapper = await createClaimMapperModel({ excludeHeldOut: true, ...(identityThreshold === undefined ? {} : { identityThreshold }) });
const model = tally();
const base = tally();
const perTarget = new Map<string, { model: Tally; base: Tally }>();
const bySource: Record<string, Tally> = {};
const wrongValueInRightClaim = { n: 0 };
const misses: Array<Record<string, unknown>> = [];
const times: number[] = [];
let lowConfidenceWrong = 0;

for (const [i, row] of rows.entries()) {
  const expected = outcome(row.program, row.value);
  const t0 = performance.now();
  const p = await mapper.propose({ protocol: row.protocol, attribute: row.attribute, value: row.value });
  times.push(performance.now() - t0);
  const predicted = outcome(p.program, row.value);
  const pt = perTarget.get(row.target) ?? { model: tally(), base: tally() };
  perTarget.set(row.target, pt);
  score(model, predicted, expected);
  score(pt.model, predicted, expected);
  score((bySource[p.source] ??= tally()), predicted, expected);
  const b = outcome(passThrough(row.attribute), row.value);
  score(base, b, expected);
  score(pt.base, b, expected);
  if (process.env.SHOW_UNSAFE && !same(predicted, expected) && predicted.claim !== undefined && IDENTITY_CLAIMS.has(predicted.claim) && predicted.claim !== expected.claim) {
    console.log(JSON.stringify({ unsafe: row.attribute, key: row.key, value: row.value, expected: row.program, got: p.program, confidence: Number(p.confidence.toFixed(3)) }));
  }
  if (!same(predicted, expected)) {
    if (predicted.claim !== undefined && predicted.claim === expected.claim) wrongValueInRightClaim.n++;
    if (p.confidence < 0.5) lowConfidenceWrong++;
    if (misses.length < 400) misses.push({ attribute: row.attribute, key: row.key, value: row.value, expected: row.program, got: p.program, confidence: Number(p.confidence.toFixed(3)), source: p.source });
  }
  if (process.stdout.isTTY && i % 50 === 0) process.stdout.write(`\r${i}/${rows.length}`);
}
if (process.stdout.isTTY) process.stdout.write('\r');

const pct = (t: Tally): string => (t.n === 0 ? '-' : `${((100 * t.exact) / t.n).toFixed(1)}%`);
const q = (p: number): number => { const s = [...times].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0; };
const heldKeys = new Set(rows.map((r) => r.key)).size;

console.log(`held-out: ${rows.length} rows, ${heldKeys} attribute names never seen by the model or the tables`);
console.log(`pipeline : exact ${pct(model)} (${model.exact}/${model.n}), unsafe ${model.unsafe}, right claim with a different value ${wrongValueInRightClaim.n}`);
console.log(`baseline : exact ${pct(base)} (${base.exact}/${base.n}), unsafe ${base.unsafe}   (standard OIDC names kept, everything else dropped)`);
console.log(`by source: ${Object.entries(bySource).map(([s, t]) => `${s} ${pct(t)} of ${t.n}`).join(', ')}`);
console.log(`latency in-process (warm): p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms`);
console.log('\nper target          n   pipeline  baseline  unsafe');
for (const [t, v] of [...perTarget].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`${t.padEnd(24)}${String(v.model.n).padStart(5)}  ${pct(v.model).padStart(8)}  ${pct(v.base).padStart(8)}  ${String(v.model.unsafe).padStart(6)}`);
}
if (process.env.SHOW_MISSES) for (const m of misses) console.log(JSON.stringify(m));

const trainMetricsPath = join(here, 'data/train-metrics.json');
const train = existsSync(trainMetricsPath) ? (JSON.parse(readFileSync(trainMetricsPath, 'utf8')) as unknown) : null;
writeFileSync(join(here, 'metrics.json'), JSON.stringify({
  modelVersion: mapper.modelVersion,
  modelBytes: mapper.modelBytes,
  command: 'npm run models:eval:claims',
  heldOut: { rows: rows.length, names: heldKeys },
  pipeline: { exact: model.exact / model.n, unsafe: model.unsafe, rightClaimWrongValue: wrongValueInRightClaim.n, bySource: Object.fromEntries(Object.entries(bySource).map(([s, t]) => [s, { n: t.n, exact: t.exact / t.n }])) },
  baseline: { exact: base.exact / base.n, unsafe: base.unsafe },
  perTarget: Object.fromEntries([...perTarget].map(([t, v]) => [t, { n: v.model.n, exact: v.model.exact / v.model.n, baseline: v.base.exact / v.base.n, unsafe: v.model.unsafe }])),
  latencyWarmMs: { p50: q(0.5), p99: q(0.99) },
  wrongWithConfidenceBelow05: lowConfidenceWrong,
  training: train,
  sampleMisses: misses.slice(0, 25),
}, null, 1) + '\n');
