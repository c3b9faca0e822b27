/**
 * Runs a program through the claims language interpreter (src/claims/language) when it is present,
 * so expected values are exactly what the production interpreter produces for the gold program.
 */
import type { RawValue } from '../../src/claims/model/evidence.ts';

type Runner = (program: string, value: RawValue, target: string) => unknown;
let runner: Runner | null | undefined;

async function load(): Promise<Runner | null> {
  try {
    const mod = (await import('../../src/claims/language/index.ts')) as Record<string, unknown>;
    const run = mod['runProgramText'];
    if (typeof run === 'function') return run as Runner;
  } catch {
    // The language module is built in parallel; without it expected values stay null.
  }
  return null;
}

/** The claim value the program yields for this value (undefined: absent / no claim). */
export async function runProgramForEval(program: string, value: RawValue, target: string): Promise<unknown> {
  if (runner === undefined) runner = await load();
  if (runner === null) return undefined;
  return runner(program, value, target);
}
