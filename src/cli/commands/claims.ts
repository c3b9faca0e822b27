import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { appendAudit } from '../../audit/index.ts';
import { warmUpLanguage } from '../../claims/language/index.ts';
import {
  ClaimMappingError,
  createClaimMapper,
  createClaimReview,
  DEFAULT_UPSTREAM,
  PROTOCOLS,
  STATUSES,
  type ClaimReview,
  type Mapping,
} from '../../claims/mapper/index.ts';
import { mapJsonLines } from '../../claims/mapper/jsonl.ts';
import { lazyModelProposer } from '../../claims/mapper/model-proposer.ts';
import { outcomeJson } from '../../claims/mapper/result-json.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliContext } from '../context.ts';
import { CliError, UsageError } from '../errors.ts';
import { table } from '../output.ts';
import type { Handler } from './index.ts';
import { renameKeys } from './user.ts';

const MAP_USAGE = 'warden claims map --protocol saml|oidc|oauth2 --attr NAME --value JSON [--upstream SLUG] | warden claims map --jsonl [--upstream SLUG] < lines';
const LIST_USAGE = 'warden claims list [--upstream SLUG] [--status active|proposed|rejected]';
const ID_USAGE = (action: string) => `warden claims ${action} ID`;
const SET_USAGE = 'warden claims set --upstream SLUG --protocol saml|oidc|oauth2 --attr NAME --program "..."';

/** `_default` is the CLI's own cache; real upstreams use their slug. */
const slug = z.string().regex(/^(?:_default|[a-z0-9][a-z0-9_-]{0,62})$/, 'must be an upstream slug (lower-case letters, digits, - and _) or _default');
const upstream = slug.default(DEFAULT_UPSTREAM);
const protocol = z.enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(', ')}` });
const attr = z.string({ error: 'is required' }).min(1, 'must not be empty').max(512, 'is longer than 512 characters');

const mapSchema = z
  .object({
    upstream,
    protocol: protocol.optional(),
    attr: attr.optional(),
    value: z.string().optional(),
    jsonl: z.boolean().default(false),
    json: z.boolean().default(false),
  })
  .superRefine((args, ctx) => {
    if (args.jsonl) {
      for (const field of ['protocol', 'attr', 'value'] as const) {
        if (args[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be combined with --jsonl (each line names its own)' });
      }
      return;
    }
    for (const field of ['protocol', 'attr', 'value'] as const) {
      if (args[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required' });
    }
  });

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(
      `--value: not valid JSON (${error instanceof Error ? error.message : 'parse error'}); quote strings, e.g. --value '"jane@example.com"'\nusage: ${MAP_USAGE}`,
    );
  }
}

async function writeStdout(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

async function mapper(ctx: CliContext) {
  warmUpLanguage();
  const { db } = await ctx.store();
  // The model loads once, on the first attribute never seen before (not at all when every one is cached).
  return createClaimMapper({ db, proposer: lazyModelProposer(), mode: ctx.config.claimsMode, audit: (entry) => appendAudit(db, entry) });
}

const map: Handler = async (argv, ctx) => {
  const args = parseCommandArgs(
    argv,
    { upstream: { type: 'string' }, protocol: { type: 'string' }, attr: { type: 'string' }, value: { type: 'string' }, jsonl: { type: 'boolean' } },
    mapSchema,
    MAP_USAGE,
  );
  if (args.jsonl) {
    if (process.stdin.isTTY) throw new UsageError(`--jsonl reads JSON lines on stdin (pipe them in)\nusage: ${MAP_USAGE}`);
    const m = await mapper(ctx);
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    const summary = await mapJsonLines(lines, m, args.upstream, writeStdout);
    if (summary.errors > 0) throw new CliError(`${summary.errors} of ${summary.lines} input lines could not be mapped (see their error objects)`);
    return;
  }
  if (args.protocol === undefined || args.attr === undefined || args.value === undefined) throw new UsageError(MAP_USAGE);
  const value = parseValue(args.value);
  const m = await mapper(ctx);
  const outcome = await m.mapAttribute(args.upstream, args.protocol, args.attr, value);
  if (outcome.mapping === undefined) throw new CliError(outcome.reason ?? 'no mapping program');
  const result = outcomeJson(outcome, outcome.mapping);
  ctx.out.result(result, () =>
    [
      `program:    ${result.program}`,
      `confidence: ${result.confidence.toFixed(3)}`,
      `status:     ${result.status}`,
      `claim:      ${result.target === 'drop' ? 'none' : `${result.target} = ${JSON.stringify(result.value)}${result.status === 'active' ? '' : ' (not issued until approved)'}`}`,
      ...(result.reason === undefined ? [] : [`reason:     ${result.reason}`]),
    ].join('\n'),
  );
};

function review(db: Awaited<ReturnType<CliContext['store']>>['db']): ClaimReview {
  return createClaimReview({ db, audit: (entry) => appendAudit(db, entry) });
}

function mappingJson(m: Mapping) {
  return {
    id: m.id,
    upstream: m.upstream,
    protocol: m.protocol,
    attribute: m.attribute,
    program: m.program,
    target: m.target,
    source: m.source,
    confidence: Math.round(m.confidence * 10_000) / 10_000,
    status: m.status,
    sample: m.sample,
    model_version: m.modelVersion,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

const listSchema = z.object({
  // No default here: without --upstream the list covers every upstream.
  upstream: slug.optional(),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).optional(),
  json: z.boolean().optional(),
});

const list: Handler = async (argv, ctx) => {
  const args = parseCommandArgs(argv, { upstream: { type: 'string' }, status: { type: 'string' } }, listSchema, LIST_USAGE);
  const { db } = await ctx.store();
  const rows = (await review(db).list({ ...(args.upstream ? { upstream: args.upstream } : {}), ...(args.status ? { status: args.status } : {}) })).map(mappingJson);
  ctx.out.result(rows, () =>
    table(
      ['ID', 'UPSTREAM', 'PROTOCOL', 'ATTRIBUTE', 'PROGRAM', 'SOURCE', 'CONF', 'STATUS', 'SAMPLE'],
      rows.map((r) => [r.id, r.upstream, r.protocol, r.attribute, r.program, r.source, r.confidence.toFixed(3), r.status, r.sample ?? '-']),
    ),
  );
};

/** approve / reject take the mapping id as their one positional argument. */
function idArgument(argv: string[], action: string): { id: string } {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${ID_USAGE(action)}`);
  }
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0 || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new UsageError(`expected one mapping id (from warden claims list)\nusage: ${ID_USAGE(action)}`);
  }
  return { id };
}

function changeStatus(action: 'approve' | 'reject'): Handler {
  return async (argv, ctx) => {
    const { id } = idArgument(argv, action);
    const { db } = await ctx.store();
    try {
      const changed = mappingJson(await review(db)[action](id, 'cli'));
      ctx.out.result(changed, () => `${action === 'approve' ? 'approved' : 'rejected'} ${changed.id}: ${changed.upstream} ${changed.protocol} ${changed.attribute} -> ${changed.program}`);
    } catch (error) {
      if (error instanceof ClaimMappingError) throw new CliError(error.message);
      throw error;
    }
  };
}

const setSchema = z.object({
  upstream,
  protocol: z.enum(PROTOCOLS, { error: `is required: one of ${PROTOCOLS.join(', ')}` }),
  attr,
  program: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  json: z.boolean().optional(),
});

const set: Handler = async (argv, ctx) => {
  const args = parseCommandArgs(
    argv,
    { upstream: { type: 'string' }, protocol: { type: 'string' }, attr: { type: 'string' }, program: { type: 'string' } },
    z.preprocess((v) => renameKeys(v as Record<string, unknown>), setSchema),
    SET_USAGE,
  );
  const { db } = await ctx.store();
  try {
    const pinned = mappingJson(await review(db).set({ upstream: args.upstream, protocol: args.protocol, attribute: args.attr }, args.program, 'cli'));
    ctx.out.result(pinned, () => `${pinned.id}: ${pinned.upstream} ${pinned.protocol} ${pinned.attribute} -> ${pinned.program} (admin, active)`);
  } catch (error) {
    // A program that does not parse is bad input: exit 2, with the language's line:column message.
    if (error instanceof ClaimMappingError) throw new CliError(error.message, error.code === 'not_found' ? 1 : 2);
    throw error;
  }
};

export const claimsCommands: Record<string, Handler> = { map, list, approve: changeStatus('approve'), reject: changeStatus('reject'), set };
