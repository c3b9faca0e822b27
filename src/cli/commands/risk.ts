import { z } from 'zod';
import { parseCommandArgs } from '../args.ts';
import { CliError } from '../errors.ts';
import { table } from '../output.ts';
import type { Handler } from './index.ts';

const USAGE = 'warden risk events [--account EMAIL] [--kind K] [--limit N]';
const KINDS = ['password_login', 'refresh', 'token_exchange', 'federated_login'] as const;

const eventsSchema = z.object({
  account: z.string().trim().toLowerCase().optional(),
  kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(50),
  json: z.boolean().optional(),
});

const reasonsSchema = z.array(z.string()).catch([]);

/** Recent risk decisions, newest first, with the full (admin-facing) reasons. */
const events: Handler = async (argv, ctx) => {
  const args = parseCommandArgs(argv, { account: { type: 'string' }, kind: { type: 'string' }, limit: { type: 'string' } }, eventsSchema, USAGE);
  const { db } = await ctx.store();
  let accountId: string | undefined;
  if (args.account !== undefined) {
    const account = await db.account.findUnique({ where: { email: args.account }, select: { id: true } });
    if (!account) throw new CliError(`no account with email ${args.account}`);
    accountId = account.id;
  }
  const rows = await db.riskEvent.findMany({
    where: { ...(accountId ? { accountId } : {}), ...(args.kind ? { kind: args.kind } : {}) },
    orderBy: { at: 'desc' },
    take: args.limit,
  });
  const emails = new Map(
    (await db.account.findMany({ where: { id: { in: [...new Set(rows.flatMap((r) => (r.accountId ? [r.accountId] : [])))] } }, select: { id: true, email: true } })).map(
      (a) => [a.id, a.email],
    ),
  );
  const result = rows.map((r) => ({
    id: r.id,
    time: r.at.toISOString(),
    kind: r.kind,
    account: r.accountId ? (emails.get(r.accountId) ?? r.accountId) : (r.login ?? null),
    client: r.clientId,
    address: r.ip,
    country: r.country,
    score: Number(r.score.toFixed(4)),
    decision: r.decision,
    reasons: reasonsSchema.parse(r.reasons),
    model_version: r.modelVersion,
  }));
  ctx.out.result(result, () =>
    table(
      ['TIME', 'KIND', 'ACCOUNT', 'CLIENT', 'ADDRESS', 'SCORE', 'DECISION', 'REASONS', 'MODEL'],
      result.map((e) => [e.time, e.kind, e.account ?? '-', e.client ?? '-', e.address, e.score.toFixed(3), e.decision, e.reasons.join('; ') || '-', e.model_version]),
    ),
  );
};

export const riskCommands: Record<string, Handler> = { events };
