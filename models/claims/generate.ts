/**
 * Generates the claim-mapping data set from the committed vocabularies (seeded, reproducible):
 *   models/claims/knowledge.json   lookup tables (+ the held-out keys, + OID -> name)
 *   models/claims/tokenizer.json   input/output vocabularies the runtime reads
 *   models/claims/data/{train,heldout}.jsonl   rows {protocol, attribute, value, target, expected_value, program, key}
 *   models/claims/data/train-ids.json          encoded training pairs for PyTorch
 * The split is by normalised attribute name: every spelling of a held-out name is held out, and
 * held-out names are absent from the tables the pipeline uses for evaluation and from training.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalogue, dropKind, type Entry } from './catalogue.ts';
import { mulberry32, valueFor, dropValue, pick, type Json } from './values.ts';
import { normalizeName } from '../../src/claims/model/normalize.ts';
import { evidence, targetAllowed, type RawValue } from '../../src/claims/model/evidence.ts';
import { buildKnowledge, Knowledge } from '../../src/claims/model/knowledge.ts';
import { baseInputVocab, inputTokens, prefixToken, MAX_INPUT } from '../../src/claims/model/features.ts';
import { OUTPUT_VOCAB, OUTPUT_INDEX, tokenize, BOS, EOS, MAX_PROGRAM_TOKENS } from '../../src/claims/model/program.ts';
import { runProgramForEval } from './interpreter-bridge.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SEED = Number(process.env.SEED ?? 20261123);
const HELD_OUT_FRACTION = 0.2;
const r = mulberry32(SEED);

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (const c of s) { h ^= c.codePointAt(0) ?? 0; h = Math.imul(h, 0x01000193) >>> 0; }
  return h;
}

export interface Row {
  protocol: string; attribute: string; value: Json; target: string; expected_value: unknown;
  program: string; key: string;
}

const PLACEHOLDERS: Json[] = ['', 'n/a', 'N/A', '-', 'none', 'null', 'unknown', 'not set', 'TBD', 'changeme'];

const { entries, oidNames } = buildCatalogue(r);
const oidMap = new Map(Object.entries(oidNames));
const keyed = entries.map((e) => ({ ...e, norm: normalizeName(e.raw, oidMap) })).filter((e) => e.norm.key !== '');
const keys = [...new Set(keyed.map((e) => e.norm.key))].sort();
const heldOut = new Set(keys.filter((k) => (fnv(`${SEED}:${k}`) % 1000) / 1000 < HELD_OUT_FRACTION));

const knowledgeFile = buildKnowledge(keyed.map((e) => ({ key: e.norm.key, protocol: e.protocol, target: e.target })), [...heldOut], oidNames);
writeFileSync(join(here, 'knowledge.json'), JSON.stringify(knowledgeFile) + '\n');
const trainTables = new Knowledge(knowledgeFile, { excludeHeldOut: true });

function makeRow(e: Entry & { norm: ReturnType<typeof normalizeName> }): Row | undefined {
  for (let attempt = 0; attempt < 6; attempt++) {
    let value: Json;
    let program: string;
    if (e.target === 'drop') {
      value = dropValue(e.kind ?? dropKind(e.norm.words), r);
      program = 'drop';
    } else {
      const g = valueFor(e.target, r);
      value = g.value;
      program = `${e.target} := v${g.calls.map((c) => ` | ${c}`).join('')}`;
    }
    if (r() < 0.04) value = pick(r, PLACEHOLDERS);
    const ev = evidence(value as RawValue);
    if (e.target !== 'drop' && !targetAllowed(e.target, ev)) continue;
    return { protocol: e.protocol, attribute: e.raw, value, target: e.target, expected_value: null, program, key: e.norm.key };
  }
  return undefined;
}

const train: Row[] = [];
const held: Row[] = [];
for (const e of keyed) {
  const isHeld = heldOut.has(e.norm.key);
  const n = isHeld ? 3 : e.target === 'drop' ? 4 : 8;
  for (let i = 0; i < n; i++) {
    const row = makeRow(e);
    if (row) (isHeld ? held : train).push(row);
  }
}
for (const row of [...train, ...held]) row.expected_value = (await runProgramForEval(row.program, row.value as RawValue, row.target)) ?? null;

// Word vocabulary: words of at least two distinct training names, so the model also learns <unk>.
const wordKeys = new Map<string, Set<string>>();
for (const row of train) for (const w of row.key.split(' ')) (wordKeys.get(w) ?? wordKeys.set(w, new Set()).get(w))?.add(row.key);
const known = [...wordKeys].filter(([, ks]) => ks.size >= 2).map(([w]) => w);
const prefixes = [...new Set(known.filter((w) => w.length > 4).map(prefixToken))];
const words = [...known.map((w) => `W:${w}`), ...prefixes].sort();
const inputVocab = [...baseInputVocab(), ...words];
const inputIndex = new Map(inputVocab.map((t, i) => [t, i]));
const wordSet = new Set(words);

function encode(row: Row): { src: number[]; tgt: number[] } {
  const norm = normalizeName(row.attribute, oidMap);
  const ev = evidence(row.value as RawValue);
  const toks = inputTokens(row.protocol, norm.words, trainTables.hints(norm.words), ev, row.value as RawValue, wordSet);
  const src = toks.map((t) => inputIndex.get(t) ?? 1).slice(0, MAX_INPUT);
  const tgt = [BOS, ...tokenize(row.program).map((t) => OUTPUT_INDEX.get(t) ?? 0), EOS];
  return { src, tgt };
}

mkdirSync(join(here, 'data'), { recursive: true });
const shuffled = train.map((x) => [r(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
writeFileSync(join(here, 'data/train.jsonl'), shuffled.map((x) => JSON.stringify(x)).join('\n') + '\n');
writeFileSync(join(here, 'data/heldout.jsonl'), held.map((x) => JSON.stringify(x)).join('\n') + '\n');
const enc = shuffled.map(encode);
writeFileSync(join(here, 'data/train-ids.json'), JSON.stringify({ src: enc.map((e) => e.src), tgt: enc.map((e) => e.tgt) }));
writeFileSync(join(here, 'tokenizer.json'), JSON.stringify({ inputVocab, outputVocab: OUTPUT_VOCAB, maxInput: MAX_INPUT, maxOutput: MAX_PROGRAM_TOKENS + 2, seed: SEED }, null, 0) + '\n');

const count = (rows: Row[]): Record<string, number> => rows.reduce<Record<string, number>>((a, x) => ((a[x.target] = (a[x.target] ?? 0) + 1), a), {});
console.log(JSON.stringify({ entries: entries.length, keys: keys.length, heldOutKeys: heldOut.size, trainRows: train.length, heldOutRows: held.length, inputVocab: inputVocab.length, outputVocab: OUTPUT_VOCAB.length, maxSrc: Math.max(...enc.map((e) => e.src.length)), trainTargets: count(train) }));
