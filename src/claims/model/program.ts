/**
 * The model's output vocabulary and the grammar automaton that constrains decoding. Programs are
 * decoded as compact token sequences (`T:email F:first F:email <eos>`) and rendered to the mapping
 * language (`email := v | first | email`); the automaton only ever allows tokens that keep the
 * sequence a valid prefix, so every decoded program parses.
 */
export const TARGETS = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
  'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number',
  'phone_number_verified', 'updated_at', 'address', 'address.formatted', 'address.street_address',
  'address.locality', 'address.region', 'address.postal_code', 'address.country', 'groups', 'roles',
] as const;
export type Target = (typeof TARGETS)[number];

/** Closed literal sets the model may use as arguments: the generator never needs others. */
export const LITERALS = {
  sep: [',', ';', '|', '$', ' ', '\n', ', ', '\\'],
  region: ['US', 'GB', 'FR', 'DE', 'NL', 'ES', 'IT', 'CH', 'BE', 'AU', 'CA', 'IN', 'JP', 'BR', 'SE'],
  prefix: ['ROLE_', 'role:', 'group:', 'urn:mace:dir:entitlement:'],
  index: ['0', '1', '2', '3'],
} as const;
type Domain = keyof typeof LITERALS;

/** Function name -> argument domains (empty: no arguments). `each` takes a call and is special. */
export const FUNCTIONS: Record<string, Domain[]> = {
  trim: [], collapse: [], lower: [], upper: [], title: [], first: [], last: [], unique: [],
  strip_known_prefix: [], dn_cn: [], dn_rdn: [], email: [], phone: [], date: [], epoch: [], bool: [],
  locale: [], zoneinfo: [], country: [], last_first: [], given: [], family: [], address: [], gender: [],
  url: [], int: [],
  'phone/1': ['region'], nth: ['index'], split: ['sep'], join: ['sep'], strip_prefix: ['prefix'],
};
/** Functions that make no sense inside each(...) (they act on the whole array). */
const NOT_IN_EACH = new Set(['first', 'last', 'unique', 'nth', 'join', 'split']);

export const SPECIAL = ['<pad>', '<bos>', '<eos>'] as const;
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;

export function buildOutputVocab(): string[] {
  const toks: string[] = [...SPECIAL, 'drop', ...TARGETS.map((t) => `T:${t}`), 'F:each', ...Object.keys(FUNCTIONS).map((f) => `F:${f}`)];
  for (const [dom, lits] of Object.entries(LITERALS)) for (const l of lits) toks.push(dom === 'index' ? `I:${l}` : `S:${dom}:${l}`);
  return toks;
}

export const OUTPUT_VOCAB: readonly string[] = buildOutputVocab();
export const OUTPUT_INDEX: ReadonlyMap<string, number> = new Map(OUTPUT_VOCAB.map((t, i) => [t, i]));
export const MAX_PROGRAM_TOKENS = 12;

function tokId(t: string): number {
  const id = OUTPUT_INDEX.get(t);
  if (id === undefined) throw new Error(`unknown program token ${t}`);
  return id;
}

/** Automaton state after a prefix of tokens. */
export interface DecodeState {
  phase: 'start' | 'done' | 'pipe' | 'each' | 'args';
  pending: Domain[];
  inEach: boolean;
  length: number;
}

export function initialState(): DecodeState {
  return { phase: 'start', pending: [], inEach: false, length: 0 };
}

const ALL_FN_IDS = ['F:each', ...Object.keys(FUNCTIONS).map((f) => `F:${f}`)].map(tokId);
const EACH_FN_IDS = Object.keys(FUNCTIONS).filter((f) => !NOT_IN_EACH.has(f.replace('/1', ''))).map((f) => tokId(`F:${f}`));
const DOMAIN_IDS: Record<Domain, number[]> = {
  sep: LITERALS.sep.map((l) => tokId(`S:sep:${l}`)),
  region: LITERALS.region.map((l) => tokId(`S:region:${l}`)),
  prefix: LITERALS.prefix.map((l) => tokId(`S:prefix:${l}`)),
  index: LITERALS.index.map((l) => tokId(`I:${l}`)),
};

/** Token ids allowed next. `targets` restricts the first token (value gates, table hits). */
export function allowedNext(state: DecodeState, targets: ReadonlySet<string>): number[] {
  switch (state.phase) {
    case 'start':
      return ['drop', ...TARGETS.filter((t) => targets.has(t)).map((t) => `T:${t}`)].filter((t) => t === 'drop' ? targets.has('drop') : true).map(tokId);
    case 'done':
      return [EOS];
    case 'pipe':
      // keep room so that any call started can still be finished within the length limit
      return state.length >= MAX_PROGRAM_TOKENS - 3 ? [EOS] : [EOS, ...ALL_FN_IDS];
    case 'each':
      return EACH_FN_IDS;
    case 'args':
      return DOMAIN_IDS[state.pending[0] ?? 'sep'];
  }
}

export function advance(state: DecodeState, id: number): DecodeState {
  const tok = OUTPUT_VOCAB[id] ?? '';
  const length = state.length + 1;
  if (state.phase === 'start') return { phase: tok === 'drop' ? 'done' : 'pipe', pending: [], inEach: false, length };
  if (state.phase === 'args') {
    const pending = state.pending.slice(1);
    return pending.length > 0 ? { ...state, pending, length } : { phase: 'pipe', pending: [], inEach: false, length };
  }
  if (tok === 'F:each') return { phase: 'each', pending: [], inEach: true, length };
  if (tok.startsWith('F:')) {
    const args = FUNCTIONS[tok.slice(2)] ?? [];
    return args.length > 0 ? { phase: 'args', pending: [...args], inEach: state.inEach, length } : { phase: 'pipe', pending: [], inEach: false, length };
  }
  return { ...state, phase: 'done', length };
}

/** Renders a complete token sequence (without <bos>/<eos>) to program text. */
export function render(tokens: readonly string[]): string {
  if (tokens[0] === 'drop' || tokens.length === 0) return 'drop';
  const target = (tokens[0] ?? '').replace(/^T:/, '');
  const calls: string[] = [];
  let i = 1;
  const call = (): string => {
    const tok = (tokens[i++] ?? '').replace(/^F:/, '');
    if (tok === 'each') return `each(${call()})`;
    const args = (FUNCTIONS[tok] ?? []).map(() => {
      const lit = tokens[i++] ?? '';
      return lit.startsWith('I:') ? lit.slice(2) : JSON.stringify(lit.replace(/^S:[a-z]+:/, ''));
    });
    const name = tok.replace('/1', '');
    return args.length > 0 ? `${name}(${args.join(', ')})` : name;
  };
  while (i < tokens.length) calls.push(call());
  return [`${target} := v`, ...calls].join(' | ');
}

/** Parses program text written in the compact subset back into tokens (for training data). */
export function tokenize(program: string): string[] {
  const p = program.trim();
  if (p === 'drop') return ['drop'];
  const m = /^([a-z_.]+)\s*:=\s*v\s*(.*)$/s.exec(p);
  if (!m) throw new Error(`not a program: ${program}`);
  const out = [`T:${m[1]}`];
  const rest = (m[2] ?? '').trim();
  const parts = rest === '' ? [] : rest.replace(/^\|/, '').split(/\|(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((s) => s.trim());
  const one = (c: string): void => {
    const e = /^each\((.*)\)$/s.exec(c);
    if (e) { out.push('F:each'); one((e[1] ?? '').trim()); return; }
    const a = /^([a-z_]+)(?:\((.*)\))?$/s.exec(c);
    if (!a) throw new Error(`bad call ${c} in ${program}`);
    const name = a[1] ?? '';
    const rawArgs = a[2] === undefined ? [] : [JSON.parse(`[${a[2]}]`) as Array<string | number>].flat();
    const fn = name === 'phone' && rawArgs.length === 1 ? 'phone/1' : name;
    const doms = FUNCTIONS[fn];
    if (doms === undefined || doms.length !== rawArgs.length) throw new Error(`bad call ${c} in ${program}`);
    out.push(`F:${fn}`);
    doms.forEach((d, k) => out.push(d === 'index' ? `I:${String(rawArgs[k])}` : `S:${d}:${String(rawArgs[k])}`));
  };
  parts.forEach(one);
  for (const t of out) tokId(t);
  return out;
}
