import { z } from 'zod';
import { createAccountService } from '../../accounts/account-service.ts';
import { AccountError } from '../../accounts/errors.ts';
import { parseCommandArgs, readStdin } from '../args.ts';
import { CliError, UsageError } from '../errors.ts';
import type { Handler } from './index.ts';

const USAGE = 'warden user add --email E [--name N] [--admin] --password-stdin';

const addSchema = z.object({
  email: z.string({ error: 'is required' }),
  name: z.string().optional(),
  admin: z.boolean().default(false),
  passwordStdin: z.literal(true, { error: 'is required: pipe the password in on stdin' }),
  json: z.boolean().default(false),
});

const add: Handler = async (argv, ctx) => {
  const args = parseCommandArgs(
    argv,
    { email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } },
    z.preprocess((v) => renameKeys(v as Record<string, unknown>), addSchema),
    USAGE,
  );
  const password = await readStdin();
  if (password.length === 0) throw new UsageError('the password on stdin is empty');
  const { db } = await ctx.store();
  const accounts = createAccountService(db);
  try {
    const account = await accounts.createAccount(
      { email: args.email, password, profile: args.name ? { name: args.name } : {}, isAdmin: args.admin },
      { actor: 'cli' },
    );
    ctx.out.result({ id: account.id, email: account.email, is_admin: account.isAdmin }, () => account.id);
  } catch (error) {
    if (error instanceof AccountError) throw new CliError(error.message);
    throw error;
  }
};

/** parseArgs keeps option names as typed (`password-stdin`); schemas use camelCase. */
export function renameKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
}

export const userCommands: Record<string, Handler> = { add };
