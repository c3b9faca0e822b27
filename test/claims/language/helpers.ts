import { parseProgram, runProgram, type RunResult } from '../../../src/claims/language/index.ts';

/** Parses (failing loudly, since a test program is meant to be valid) and runs a program on a value. */
export function run(program: string, value: unknown): RunResult {
  const parsed = parseProgram(program);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return runProgram(parsed.program, value);
}

/** The claim value, or undefined when the program produced no claim. */
export function valueOf(program: string, value: unknown): unknown {
  const result = run(program, value);
  return 'ok' in result && result.ok ? result.value : undefined;
}

/** The reason a program produced no claim, or undefined when it did. */
export function reasonOf(program: string, value: unknown): string | undefined {
  const result = run(program, value);
  return 'ok' in result && !result.ok ? result.reason : undefined;
}

export function parseError(program: string): string | undefined {
  const parsed = parseProgram(program);
  return parsed.ok ? undefined : parsed.error.message;
}
