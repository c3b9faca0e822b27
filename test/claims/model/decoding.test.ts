import test from 'ava';
import { parseProgram } from '../../../src/claims/language/index.ts';
import grammar from '../../../src/claims/language/grammar.json' with { type: 'json' };
import { createClaimMapperModel } from '../../../src/claims/model/mapper.ts';
import { evidence, targetAllowed } from '../../../src/claims/model/evidence.ts';
import { FUNCTIONS, LITERALS, OUTPUT_VOCAB, TARGETS, advance, allowedNext, initialState, render, EOS } from '../../../src/claims/model/program.ts';

/** Small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

test('the output vocabulary only uses targets and functions of the language grammar', (t) => {
  const fns = new Map(grammar.functions.map((f) => [f.name, f]));
  for (const name of Object.keys(FUNCTIONS)) {
    const base = name.replace('/1', '');
    const spec = fns.get(base);
    t.truthy(spec, `grammar lacks ${base}`);
    const arity = FUNCTIONS[name]?.length ?? 0;
    t.true((spec?.min_args ?? 0) <= arity && arity <= (spec?.max_args ?? 0), `${name} arity`);
  }
  t.truthy(fns.get('each'));
  const targets = new Set(grammar.targets.map((x) => x.name));
  for (const target of TARGETS) t.true(targets.has(target), target);
  t.true(LITERALS.region.every((r) => r.length === 2));
});

test('every random walk through the decoding automaton renders a program that parses', (t) => {
  const r = rng(7);
  const targets = new Set<string>(['drop', ...TARGETS]);
  for (let i = 0; i < 3000; i++) {
    let state = initialState();
    const toks: string[] = [];
    for (;;) {
      const allowed = allowedNext(state, targets);
      const id = r() < 0.3 && allowed.includes(EOS) ? EOS : pick(r, allowed);
      if (id === EOS) break;
      toks.push(OUTPUT_VOCAB[id] ?? '');
      state = advance(state, id);
    }
    const program = render(toks);
    const parsed = parseProgram(program);
    t.true(parsed.ok, `${program}: ${parsed.ok ? '' : parsed.error.message}`);
  }
});

const WORDS = ['user', 'primary', 'mail', 'phone', 'name', 'given', 'id', 'tenant', 'group', 'role', 'zip', 'city', 'created', 'manager', 'x', 'login', 'birth', 'date', 'verified', 'locale', 'avatar', 'url', 'hash', 'sso', 'foo', 'qux'];
const VALUES: unknown[] = ['jane@example.org', '+33 6 12 34 56 78', '(415) 555-0132', 'CN=Sales\\, EMEA,OU=G,DC=x,DC=com', '1985-04-15', '20240102030405Z', 'true', 0, 1.5, true, null, '', 'n/a',
  ['a', 'b'], ['CN=A,DC=x', 'CN=B,DC=x'], '72f988bf-86f1-41af-91ab-2d7cd011db47', 'Doe, John', 'JOHN DOE', 'https://example.com/x.png', 'en_US', 'Europe/Paris', '12 Main St$Springfield$US', 'ROLE_ADMIN', { nested: 1 }, 'x'.repeat(300)];

test('constrained decoding always yields a valid program, gated by the value', async (t) => {
  const mapper = await createClaimMapperModel();
  const r = rng(11);
  for (let i = 0; i < 300; i++) {
    const words = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, WORDS));
    const attribute = pick(r, [words.join('_'), words.join('.'), `urn:oid:1.2.3.${i}`, `http://schemas.example.com/claims/${words.join('')}`]);
    const value = pick(r, VALUES);
    const protocol = pick(r, ['oidc', 'saml', 'ldap', 'scim', 'wsfed', 'weird']);
    const p = await mapper.propose({ protocol, attribute, value });
    const parsed = parseProgram(p.program);
    t.true(parsed.ok, `${attribute} -> ${p.program}`);
    t.true(p.confidence >= 0 && p.confidence <= 1);
    t.not(p.target, 'sub');
    if (p.target !== 'drop' && (typeof value !== 'object' || value === null || Array.isArray(value))) t.true(targetAllowed(p.target, evidence(value as string)), `${p.target} for ${JSON.stringify(value)}`);
  }
});

test('knowledge and evidence settle standard names without the model', async (t) => {
  const mapper = await createClaimMapperModel();
  const p = await mapper.propose({ protocol: 'saml', attribute: 'urn:oid:0.9.2342.19200300.100.1.3', value: 'Jane.Doe@Example.org' });
  t.is(p.target, 'email');
  t.is(p.source, 'table');
  const d = await mapper.propose({ protocol: 'oidc', attribute: 'tenantId', value: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
  t.deepEqual([d.program, d.source], ['drop', 'table']);
  const gated = await mapper.propose({ protocol: 'ldap', attribute: 'mail', value: 'not an address' });
  t.is(gated.program, 'drop');
  t.truthy(mapper.modelVersion);
});

test('a program forced to one claim reports the model probability of choosing it', async (t) => {
  const { Seq2SeqOnnx } = await import('../../../src/claims/model/onnx-seq2seq.ts');
  const { MODEL_DIR } = await import('../../../src/claims/model/paths.ts');
  const net = await Seq2SeqOnnx.load(MODEL_DIR);
  const src = [4, 5, 2, 2, 2];
  const all = new Set<string>(['drop', 'updated_at', 'email']);
  const free = await net.decode(src, all);
  const first = (free.tokens[0] ?? 'drop').replace(/^T:/, '');
  // Forced to the target the free decode chose and scored over the same set: the same number.
  const forced = await net.decode(src, new Set([first]), all);
  t.deepEqual(forced.tokens, free.tokens);
  t.true(Math.abs(forced.probability - free.probability) < 1e-6);
  // Forced without scoring, the first token is free: the probability can only be higher.
  const unscored = await net.decode(src, new Set([first]));
  t.true(unscored.probability >= forced.probability - 1e-9);
});
