import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's argv strictly (unknown options and stray positionals are usage errors) and
 * validates the result with the command's zod schema, so commands receive typed, checked input.
 */
export function parseCommandArgs<S extends z.ZodType>(
  argv: string[],
  options: Options,
  schema: S,
  usage: string,
): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usage}`);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.');
      return field ? `--${kebab(field)}: ${issue.message}` : issue.message;
    });
    throw new UsageError(`${problems.join('\n')}\nusage: ${usage}`);
  }
  return parsed.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

// Fatal: a lenient decoder turns bytes that are not UTF-8 into U+FFFD, and --password-stdin would set
// a password nobody typed. ignoreBOM keeps a leading BOM as the input had it, as before.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads all of stdin (for --password-stdin and friends); one trailing newline is not part of it. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('expected input on stdin (pipe it in)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks));
  } catch {
    throw new UsageError('the input on stdin is not valid UTF-8 (check the terminal or file encoding)');
  }
  return text.replace(/\r?\n$/, '');
}
