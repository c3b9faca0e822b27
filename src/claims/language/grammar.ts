/**
 * A machine-readable description of the language for the model's constrained decoder (TypeScript) and the
 * training code (Python, through grammar.json). Both build their automata from this, never from the docs.
 */
import { FUNCTION_SPECS } from './functions/index.ts';
import type { ParamKind, ResultKind } from './functions/types.ts';
import { STRING_ESCAPES } from './lexer.ts';
import { FORBIDDEN_TARGETS, TARGET_NAMES } from './target-names.ts';
import { TARGET_KINDS, type TargetKind } from './targets.ts';

export const GRAMMAR_VERSION = 1;

export interface GrammarParam {
  readonly name: string;
  readonly kind: ParamKind;
  readonly optional: boolean;
  /** The literals a model may emit for this parameter; for `call`, the functions allowed inside. */
  readonly literals: readonly (string | number)[];
  /** Whether a hand-written program may use other literals of the same kind. */
  readonly free: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface GrammarFunction {
  readonly name: string;
  readonly family: string;
  readonly summary: string;
  /** `item` functions see one element (the first of a list) and may appear inside `each`. */
  readonly shape: 'item' | 'list';
  readonly result: ResultKind;
  readonly min_args: number;
  readonly max_args: number;
  readonly params: readonly GrammarParam[];
}

export interface GrammarTarget {
  readonly name: string;
  readonly kind: TargetKind;
  /** The function that brings a value into this target's format, when there is one. */
  readonly normaliser: string | null;
}

export interface Grammar {
  readonly version: number;
  readonly ebnf: string;
  readonly tokens: { readonly drop: string; readonly assign: string; readonly input: string; readonly pipe: string; readonly open: string; readonly close: string; readonly comma: string };
  readonly string_escapes: Readonly<Record<string, string>>;
  readonly targets: readonly GrammarTarget[];
  readonly forbidden_targets: readonly string[];
  readonly functions: readonly GrammarFunction[];
}

const EBNF = [
  'program  = "drop" | target ":=" "v" { "|" call }',
  'call     = NAME [ "(" arg { "," arg } ")" ]',
  'arg      = STRING | INT | call            (a call only as the argument of each)',
  'STRING   = \'"\' { char | \'\\"\' | \'\\\\\' | \'\\n\' | \'\\r\' | \'\\t\' } \'"\'',
  'INT      = digit { digit }                (at most 9 digits)',
].join('\n');

const NORMALISERS: Readonly<Partial<Record<TargetKind, string>>> = {
  email: 'email',
  boolean: 'bool',
  e164: 'phone',
  date: 'date',
  integer: 'epoch',
  url: 'url',
  bcp47: 'locale',
  iana_zone: 'zoneinfo',
  address: 'address',
};

const ITEM_FUNCTIONS = FUNCTION_SPECS.filter((spec) => spec.shape === 'item').map((spec) => spec.name);

export function buildGrammar(): Grammar {
  return {
    version: GRAMMAR_VERSION,
    ebnf: EBNF,
    tokens: { drop: 'drop', assign: ':=', input: 'v', pipe: '|', open: '(', close: ')', comma: ',' },
    string_escapes: Object.fromEntries(Object.entries(STRING_ESCAPES).map(([escape, char]) => [`\\${escape}`, char])),
    targets: TARGET_NAMES.map((name) => ({
      name,
      kind: TARGET_KINDS[name],
      normaliser: name === 'address.country' ? 'country' : (NORMALISERS[TARGET_KINDS[name]] ?? null),
    })),
    forbidden_targets: [...FORBIDDEN_TARGETS.keys()],
    functions: FUNCTION_SPECS.map((spec) => ({
      name: spec.name,
      family: spec.family,
      summary: spec.summary,
      shape: spec.shape,
      result: spec.result,
      min_args: spec.params.filter((param) => !param.optional).length,
      max_args: spec.params.length,
      params: spec.params.map((param) => ({
        name: param.name,
        kind: param.kind,
        optional: param.optional ?? false,
        literals: param.kind === 'call' ? ITEM_FUNCTIONS : [...(param.literals ?? [])],
        free: param.free,
        ...(param.min !== undefined ? { min: param.min } : {}),
        ...(param.max !== undefined ? { max: param.max } : {}),
      })),
    })),
  };
}

export function grammarJson(): string {
  return `${JSON.stringify(buildGrammar(), null, 2)}\n`;
}
