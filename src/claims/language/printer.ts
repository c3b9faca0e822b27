import type { Argument, Call, Program } from './ast.ts';

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printString(value: string): string {
  return `"${value.replace(/["\\\n\r\t]/gu, (char) => ESCAPES[char] ?? char)}"`;
}

function printArgument(arg: Argument): string {
  if (arg.kind === 'string') return printString(arg.value);
  if (arg.kind === 'int') return String(arg.value);
  return printCall(arg.call);
}

export function printCall(call: Call): string {
  return call.args.length === 0 ? call.name : `${call.name}(${call.args.map(printArgument).join(', ')})`;
}

/** The canonical text of a program: single spaces around `:=` and `|`, `, ` between arguments. */
export function print(program: Program): string {
  if (program.kind === 'drop') return 'drop';
  return [`${program.target} := v`, ...program.pipeline.map(printCall)].join(' | ');
}
