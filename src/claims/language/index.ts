/**
 * The mapping language, as the rest of Warden uses it: parse a program (admin input or model output),
 * run it on an attribute value, and describe the vocabulary for the model.
 */
import type { Program } from './ast.ts';
import { FUNCTION_SPECS } from './functions/index.ts';
import { runProgram } from './interpreter.ts';
import { LanguageError, parse } from './parser.ts';
import type { ClaimValue } from './targets.ts';

export type { Argument, Call, Literal, Program } from './ast.ts';
export { print } from './printer.ts';
export { LanguageError } from './lexer.ts';
export { runProgram, runPipeline, type RunResult } from './interpreter.ts';
export { TARGETS, TARGET_NAMES, TARGET_KINDS, FORBIDDEN_TARGETS, isTargetName, checkTarget } from './targets.ts';
export type { AddressClaim, ClaimValue, TargetKind, TargetName } from './targets.ts';
export { buildGrammar, grammarJson, GRAMMAR_VERSION, type Grammar, type GrammarFunction, type GrammarParam, type GrammarTarget } from './grammar.ts';
export { isPlaceholder } from './input.ts';
export { warmUpLanguage } from './warm-up.ts';

export type ParseResult =
  | { readonly ok: true; readonly program: Program }
  | { readonly ok: false; readonly error: { readonly line: number; readonly column: number; readonly message: string } };

/** Parses program text without throwing; `error.message` reads `line:column: what was expected`. */
export function parseProgram(text: string): ParseResult {
  try {
    return { ok: true, program: parse(text) };
  } catch (error) {
    if (error instanceof LanguageError) return { ok: false, error: { line: error.line, column: error.column, message: error.message } };
    return { ok: false, error: { line: 1, column: 1, message: `1:1: ${error instanceof Error ? error.message : 'unparseable program'}` } };
  }
}

/** Name and arity of every function, for callers that only need the vocabulary. */
export const FUNCTIONS: readonly { readonly name: string; readonly minArgs: number; readonly maxArgs: number; readonly shape: 'item' | 'list' }[] =
  FUNCTION_SPECS.map((spec) => ({
    name: spec.name,
    minArgs: spec.params.filter((param) => !param.optional).length,
    maxArgs: spec.params.length,
    shape: spec.shape,
  }));

/**
 * Parses and runs program text in one step, for evaluation and data generation: the claim value, or
 * undefined when the text does not parse, the program drops, or it yields no claim (or another target).
 */
export function runProgramText(text: string, value: unknown, target?: string): ClaimValue | undefined {
  const parsed = parseProgram(text);
  if (!parsed.ok) return undefined;
  const result = runProgram(parsed.program, value);
  if (!('ok' in result) || !result.ok) return undefined;
  return target === undefined || target === result.claim ? result.value : undefined;
}
