import { z } from 'zod';
import { sealAudit, verifyAudit } from '../../audit/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError } from '../errors.ts';
import type { Handler } from './index.ts';

const verify: Handler = async (argv, ctx) => {
  parseCommandArgs(argv, {}, z.object({ json: z.boolean().optional() }), 'warden audit verify');
  const result = await verifyAudit((await ctx.store()).db);
  if (result.ok) {
    ctx.out.result(result, () => `audit log intact: ${result.count} entries`);
    return;
  }
  if (ctx.out.json) ctx.out.result(result, () => '');
  throw new CliError(`audit log broken at entry ${result.seq}: ${result.reason}`, 3);
};

const seal: Handler = async (argv, ctx) => {
  parseCommandArgs(argv, {}, z.object({ json: z.boolean().optional() }), 'warden audit seal');
  const result = await sealAudit((await ctx.store()).db);
  if (result.ok) {
    ctx.out.result(result, () =>
      result.sealed > 0 ? `audit log sealed: ${result.sealed} of ${result.count} entries` : `audit log already sealed: ${result.count} entries`);
    return;
  }
  if (ctx.out.json) ctx.out.result(result, () => '');
  throw new CliError(`audit log not sealed, nothing changed: entry ${result.seq}: ${result.reason}`, 3);
};

export const auditCommands: Record<string, Handler> = { verify, seal };
