import test from 'ava';
import type { Argument, Call, Program } from '../../../src/claims/language/ast.ts';
import { FUNCTION_SPECS } from '../../../src/claims/language/functions/index.ts';
import type { FunctionSpec, ParamSpec } from '../../../src/claims/language/functions/types.ts';
import { checkTarget, parseProgram, print, runProgram, TARGET_NAMES } from '../../../src/claims/language/index.ts';
import type { Item } from '../../../src/claims/language/values.ts';

type Rng = () => number;

function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Pieces of the formats the functions parse, so random strings reach deep into every parser. */
const FRAGMENTS = [
  'CN=', 'OU=', 'DC=', ',', '+', '\\', '\\2C', '\\C3\\A9', '\\C3', '#0C0548656C6C6F', '#', '"', '=', ';', ' ', '  ', '\n', '\r\n', '$',
  '\\24', 'Smith', 'John', 'van', 'de la', 'Dr.', 'Jr.', '@', 'example.com', 'mailto:', 'SMTP:', 'urn:mace:dir:', 'tel:', '+44', '(415)',
  '555-0132', '0044', '20 7946 0958', 'ext. 12', '1985', '04', '15', '-', '/', '.', ':', 'T', 'Z', '+0200', '000000', '133485408000000000',
  '9223372036854775807', '19850415', 'April', 'März', 'en_GB', '.UTF-8', '@euro', 'English', '(United Kingdom)', 'Europe/Paris',
  'W. Europe Standard Time', 'Deutschland', 'DEU', '276', 'IL 62701', 'SW1A 1AA', '75001', 'D-', 'true', 'no', 'n/a', '${x}', 'é', '😀',
  '\u0000', '\u200b', '\ud800', 'ǅ', 'İ', 'ß', '０', '٣', 'https://', 'http://x', 'javascript:', '[', ']', '{', '}',
];

function randomText(rng: Rng): string {
  const roll = rng();
  if (roll < 0.02) return pick(rng, FRAGMENTS).repeat(2000 + Math.floor(rng() * 70_000));
  if (roll < 0.08) return String.fromCharCode(...Array.from({ length: Math.floor(rng() * 40) }, () => Math.floor(rng() * 0xffff)));
  return Array.from({ length: 1 + Math.floor(rng() * 8) }, () => pick(rng, FRAGMENTS)).join('');
}

/** Objects whose getters throw: they may end as an internal-error reason, but never as an exception. */
const HOSTILE = new WeakSet<object>();

function containsHostile(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsHostile);
  return typeof value === 'object' && value !== null && HOSTILE.has(value);
}

function randomItem(rng: Rng): unknown {
  const roll = rng();
  if (roll < 0.55) return randomText(rng);
  if (roll < 0.75) {
    return pick(rng, [0, -0, 1, -1, 2, 9, 42, 4.5, 1e21, -1e21, 1e300, Number.NaN, Infinity, -Infinity, 19850415, 482371200, 1_704_067_200_123, 133485408000000000, Number.MAX_SAFE_INTEGER, 276]);
  }
  if (roll < 0.82) return rng() < 0.5;
  if (roll < 0.86) return null;
  if (roll < 0.9) return { formatted: randomText(rng), locality: randomText(rng), postal_code: rng() < 0.5 ? 75001 : randomText(rng) };
  if (roll < 0.93) return { value: randomText(rng), primary: true };
  if (roll < 0.95) return { nested: { deeply: [randomText(rng)] } };
  if (roll < 0.96) return 10n ** 20n;
  if (roll < 0.97) {
    const hostile = Object.defineProperty({}, 'formatted', { enumerable: true, get: () => { throw new Error('hostile getter'); } });
    HOSTILE.add(hostile);
    return hostile;
  }
  return undefined;
}

function randomValue(rng: Rng): unknown {
  if (rng() < 0.7) return randomItem(rng);
  return Array.from({ length: Math.floor(rng() * 5) }, () => (rng() < 0.1 ? [randomItem(rng), randomItem(rng)] : randomItem(rng)));
}

const ITEM_FUNCTIONS = FUNCTION_SPECS.filter((spec) => spec.shape === 'item');

function randomString(rng: Rng): string {
  return Array.from({ length: Math.floor(rng() * 4) }, () => pick(rng, ['a', ',', '"', '\\', '\n', '\t', '\r', ' ', 'é', '$', '😀', 'CN='])).join('') || ',';
}

function randomArgument(rng: Rng, param: ParamSpec): Argument {
  if (param.kind === 'call') return { kind: 'call', call: randomCall(rng, pick(rng, ITEM_FUNCTIONS)) };
  if (param.kind === 'int') return { kind: 'int', value: rng() < 0.8 ? Math.floor(rng() * 10) : Math.floor(rng() * (param.max ?? 9)) };
  const literals = (param.literals ?? []).filter((literal): literal is string => typeof literal === 'string');
  if (param.kind === 'region' || param.kind === 'attribute_type' || rng() < 0.6) return { kind: 'string', value: pick(rng, literals.length > 0 ? literals : ['x']) };
  return { kind: 'string', value: randomString(rng) };
}

function randomCall(rng: Rng, spec: FunctionSpec): Call {
  const count = spec.params.filter((param) => !param.optional).length + (spec.params.some((param) => param.optional) && rng() < 0.5 ? 1 : 0);
  return { name: spec.name, args: spec.params.slice(0, count).map((param) => randomArgument(rng, param)) };
}

function randomProgram(rng: Rng, must?: FunctionSpec): Program {
  if (rng() < 0.03) return { kind: 'drop' };
  const pipeline = Array.from({ length: Math.floor(rng() * 4) }, () => randomCall(rng, pick(rng, FUNCTION_SPECS)));
  if (must) pipeline.splice(Math.floor(rng() * (pipeline.length + 1)), 0, randomCall(rng, must));
  return { kind: 'map', target: pick(rng, TARGET_NAMES), pipeline };
}

test('every function is total: random values never throw, never hit the internal-error guard, and results re-validate', (t) => {
  const rng = seeded(20_261_123);
  let runs = 0;
  let claims = 0;
  for (const spec of FUNCTION_SPECS) {
    for (let round = 0; round < 250; round += 1) {
      const program = randomProgram(rng, spec);
      const value = randomValue(rng);
      const result = runProgram(program, value);
      runs += 1;
      if ('drop' in result) continue;
      if (!result.ok) {
        if (/internal error/u.test(result.reason) && !containsHostile(value)) t.fail(`${print(program)}: ${result.reason}`);
        continue;
      }
      claims += 1;
      t.not(result.claim, 'sub');
      t.deepEqual(checkTarget(result.claim, result.value as Item), { ok: true, value: result.value }, print(program));
    }
  }
  t.true(runs >= FUNCTION_SPECS.length * 250);
  t.true(claims > runs / 50, `only ${claims} of ${runs} random runs produced a claim: the fuzz would prove little`);
});

test('item functions are total when called directly, without the interpreter guard', (t) => {
  const rng = seeded(7);
  for (const spec of FUNCTION_SPECS) {
    for (let round = 0; round < 300; round += 1) {
      const call = randomCall(rng, spec);
      const args = call.args.map((arg) => (arg.kind === 'call' ? (item: Item) => ({ ok: true as const, value: item }) : arg.value));
      const raw = randomItem(rng);
      const item: Item = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : { formatted: 'x' };
      t.notThrows(() => (spec.shape === 'item' ? spec.apply(item, args) : spec.apply([item, item], args)), `${spec.name} on ${String(item).slice(0, 80)}`);
    }
  }
});

test('print then parse gives back the same tree for random programs', (t) => {
  const rng = seeded(42);
  for (let round = 0; round < 2000; round += 1) {
    const program = randomProgram(rng);
    const text = print(program);
    const parsed = parseProgram(text);
    if (!parsed.ok) t.fail(`${text}: ${parsed.error.message}`);
    else t.deepEqual(parsed.program, program, text);
  }
});

test('the parser never throws on random text and always reports line:column', (t) => {
  const rng = seeded(99);
  const pieces = ['email', ':=', 'v', '|', 'each', '(', ')', 'dn_cn', ',', '"x"', '"', '\\', '12', 'drop', 'sub', ' ', '\n', 'phone("US")', 'nth(', ':', '=', '#', 'é', '\u0000'];
  for (let round = 0; round < 3000; round += 1) {
    const text = Array.from({ length: Math.floor(rng() * 12) }, () => pick(rng, pieces)).join('');
    const parsed = parseProgram(text);
    if (!parsed.ok) t.regex(parsed.error.message, /^\d+:\d+: \S/u, JSON.stringify(text));
  }
});
