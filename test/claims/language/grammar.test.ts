import { readFileSync } from 'node:fs';
import test from 'ava';
import { buildGrammar, FUNCTIONS, grammarJson, parseProgram, TARGETS } from '../../../src/claims/language/index.ts';
import { printString } from '../../../src/claims/language/printer.ts';

test('grammar.json is generated from the current language (run export-grammar.ts after a change)', (t) => {
  const onDisk = readFileSync(new URL('../../../src/claims/language/grammar.json', import.meta.url), 'utf8');
  t.is(onDisk, grammarJson());
});

test('the grammar lists every target except sub, and every function with its arity', (t) => {
  const grammar = buildGrammar();
  t.deepEqual(grammar.targets.map((target) => target.name), TARGETS.map((target) => target.name));
  t.false(grammar.targets.some((target) => target.name === 'sub'));
  t.true(grammar.forbidden_targets.includes('sub'));
  t.deepEqual(
    grammar.functions.map((fn) => [fn.name, fn.min_args, fn.max_args]),
    FUNCTIONS.map((fn) => [fn.name, fn.minArgs, fn.maxArgs]),
  );
  for (const target of grammar.targets) {
    if (target.normaliser !== null) t.true(FUNCTIONS.some((fn) => fn.name === target.normaliser), target.name);
  }
});

type GrammarFunction = ReturnType<typeof buildGrammar>['functions'][number];

/** A call of a function with its first literals, as the smallest valid use of it. */
function minimalCall(fn: GrammarFunction, functions: readonly GrammarFunction[]): string {
  if (fn.min_args === 0) return fn.name;
  const args = fn.params.slice(0, fn.min_args).map((param) => literalText(param.kind, param.literals[0] ?? '', functions));
  return `${fn.name}(${args.join(', ')})`;
}

function literalText(kind: string, value: string | number, functions: readonly GrammarFunction[]): string {
  if (kind === 'call') {
    const inner = functions.find((candidate) => candidate.name === value);
    return inner ? minimalCall(inner, functions) : String(value);
  }
  return typeof value === 'number' ? String(value) : printString(value);
}

test('every literal the grammar offers to the model parses in its position', (t) => {
  const functions = buildGrammar().functions;
  for (const fn of functions) {
    fn.params.forEach((param, index) => {
      for (const literal of param.literals) {
        const args = fn.params.slice(0, Math.max(index + 1, fn.min_args)).map((other, position) =>
          literalText(other.kind, position === index ? literal : (other.literals[0] ?? ''), functions),
        );
        const call = `${fn.name}(${args.join(', ')})`;
        const program = fn.shape === 'item' && param.kind !== 'call' ? `groups := v | each(${call})` : `groups := v | ${call}`;
        const parsed = parseProgram(program);
        t.true(parsed.ok, parsed.ok ? program : parsed.error.message);
      }
    });
    if (fn.min_args === 0) t.true(parseProgram(`name := v | ${fn.name}`).ok, fn.name);
  }
});
