import { z } from 'zod';
import { listKeys, rotateKeys, type KeyInfo } from '../../oidc/keys.ts';
import { parseCommandArgs } from '../args.ts';
import { table } from '../output.ts';
import type { Handler } from './index.ts';

const noOptions = z.object({ json: z.boolean().optional() });

function rows(keys: KeyInfo[]): string[][] {
  const iso = (d: Date | null) => (d ? d.toISOString() : '-');
  return keys.map((k) => [k.kid, k.alg, k.status, iso(k.createdAt), iso(k.activateAfter), iso(k.retireUntil)]);
}

const HEADERS = ['KID', 'ALG', 'STATUS', 'CREATED', 'SIGNS_FROM', 'PUBLISHED_UNTIL'];

const list: Handler = async (argv, ctx) => {
  parseCommandArgs(argv, {}, noOptions, 'warden keys list');
  const keys = await listKeys((await ctx.store()).db);
  ctx.out.result(keys, () => table(HEADERS, rows(keys)));
};

const rotate: Handler = async (argv, ctx) => {
  parseCommandArgs(argv, {}, noOptions, 'warden keys rotate');
  const created = await rotateKeys((await ctx.store()).db, ctx.config.secretKey, { actor: 'cli' });
  ctx.out.result(created, () => `published new keys (they sign once every instance has them in its JWKS):\n${table(HEADERS, rows(created))}`);
};

export const keysCommands: Record<string, Handler> = { list, rotate };
