import { CliError, UsageError } from './errors.ts';
import { createCliContext, type CliContext } from './context.ts';
import { commands, usageText } from './commands/index.ts';

/**
 * Entry of the `warden` command. Errors meant for people are printed as one readable message on
 * stderr with a non-zero exit; anything unexpected also exits non-zero, with its message but no
 * secrets (commands never put secrets into error messages).
 */
async function main(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === '--help' || group === '-h' || group === 'help') {
    process.stdout.write(`${usageText()}\n`);
    return group ? 0 : 2;
  }
  const entry = commands[group];
  if (!entry) throw new UsageError(`unknown command "${group}"\n${usageText()}`);
  const handler = entry.actions ? entry.actions[action ?? ''] : entry.run;
  const args = entry.actions ? rest : [action, ...rest].filter((a): a is string => a !== undefined);
  if (!handler) {
    const known = entry.actions ? Object.keys(entry.actions).join(' | ') : '';
    throw new UsageError(`unknown or missing subcommand for "${group}": expected ${known}`);
  }
  let ctx: CliContext | undefined;
  try {
    ctx = createCliContext(args.includes('--json'));
    await handler(args, ctx);
    return 0;
  } finally {
    await ctx?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`warden: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`warden: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
