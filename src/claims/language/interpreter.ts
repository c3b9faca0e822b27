/**
 * Runs a parsed program on one attribute value. Total by construction: every failure is an absent value
 * with a reason, and a last-resort guard turns an unexpected exception into a reason rather than a crash.
 */
import type { Argument, Call, Program } from './ast.ts';
import { FUNCTIONS_BY_NAME } from './functions/index.ts';
import type { ArgValue, ItemRunner } from './functions/types.ts';
import { normaliseInput } from './input.ts';
import { checkTarget, type ClaimValue } from './targets.ts';
import { isTargetName, type TargetName } from './target-names.ts';
import { absent, firstItem, type Item, type Outcome, type Value } from './values.ts';

export type RunResult =
  | { readonly ok: true; readonly claim: TargetName; readonly value: ClaimValue }
  | { readonly ok: false; readonly reason: string }
  | { readonly drop: true };

function argumentValue(arg: Argument): ArgValue {
  if (arg.kind === 'call') return itemRunner(arg.call);
  return arg.value;
}

function guarded(name: string, run: () => Outcome): Outcome {
  try {
    return run();
  } catch (error) {
    return absent(`${name}: internal error (${error instanceof Error ? error.name : 'unknown'})`);
  }
}

function itemRunner(call: Call): ItemRunner {
  const spec = FUNCTIONS_BY_NAME.get(call.name);
  const args = call.args.map(argumentValue);
  return (item: Item) => {
    if (spec?.shape !== 'item') return absent(`${call.name}: cannot be applied to one element`);
    return guarded(call.name, () => spec.apply(item, args));
  };
}

function applyCall(call: Call, value: Value): Outcome {
  const spec = FUNCTIONS_BY_NAME.get(call.name);
  if (!spec) return absent(`unknown function "${call.name}"`);
  const args = call.args.map(argumentValue);
  if (spec.shape === 'list') return guarded(call.name, () => spec.apply(value, args));
  const item = firstItem(value);
  if (item === undefined) return absent(`${call.name}: no value`);
  return guarded(call.name, () => spec.apply(item, args));
}

/** Applies the pipeline to a value that is already normalised; exported for the mapper's previews. */
export function runPipeline(pipeline: readonly Call[], start: Value): Outcome {
  let current: Outcome = { ok: true, value: start };
  for (const call of pipeline) {
    if (!current.ok) return current;
    current = applyCall(call, current.value);
  }
  return current;
}

export function runProgram(program: Program, rawValue: unknown): RunResult {
  if (program.kind === 'drop') return { drop: true };
  // Trees normally come from the parser, which already refuses these; a tree built elsewhere (or
  // deserialised) must not be a way around the rule that nothing is ever mapped into sub.
  if (!isTargetName(program.target)) return { ok: false, reason: `"${String(program.target)}" is not a mapping target` };
  try {
    const input = normaliseInput(rawValue);
    if (!input.ok) return { ok: false, reason: input.reason };
    const result = runPipeline(program.pipeline, input.value);
    if (!result.ok) return { ok: false, reason: result.reason };
    const checked = checkTarget(program.target, result.value);
    if (!checked.ok) return { ok: false, reason: checked.reason };
    return { ok: true, claim: program.target, value: checked.value };
  } catch (error) {
    return { ok: false, reason: `internal error (${error instanceof Error ? error.name : 'unknown'})` };
  }
}
