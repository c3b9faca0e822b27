import { z } from 'zod';
import { ClientInputError, createClient, listClients } from '../../admin/clients.ts';
import { hasControlCharacter } from '../../oidc/client-metadata.ts';
import { createWarden } from '../../warden.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError } from '../errors.ts';
import { table } from '../output.ts';
import type { Handler } from './index.ts';
import { renameKeys } from './user.ts';

const ADD_USAGE =
  'warden client add --name N [--redirect-uri U ...] [--grant-type G ...] [--public] [--scope "s1 s2"] [--post-logout-redirect-uri U] [--token-exchange-from CLIENT_ID ...]';

// Refused here as a usage error, before anything is opened; the provider refuses them too (for the admin API).
const uriList = z
  .array(z.string())
  .refine((uris) => !uris.some(hasControlCharacter), 'must not contain control characters (NUL, CR, LF, tab, ...)')
  .default([]);

const addSchema = z.object({
  name: z.string({ error: 'is required' }),
  redirectUri: uriList,
  grantType: z.array(z.string()).optional(),
  public: z.boolean().default(false),
  scope: z.string().optional(),
  postLogoutRedirectUri: uriList,
  tokenExchangeFrom: z.array(z.string()).default([]),
  json: z.boolean().default(false),
});

const add: Handler = async (argv, ctx) => {
  const args = parseCommandArgs(
    argv,
    {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'grant-type': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      scope: { type: 'string' },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'token-exchange-from': { type: 'string', multiple: true },
    },
    z.preprocess((v) => renameKeys(v as Record<string, unknown>), addSchema),
    ADD_USAGE,
  );
  const store = await ctx.store();
  // The provider validates client metadata with exactly the rules the running server applies.
  const warden = await createWarden({ config: ctx.config, store });
  try {
    const created = await createClient(warden.provider, store.db, {
      name: args.name,
      redirectUris: args.redirectUri,
      ...(args.grantType ? { grantTypes: args.grantType } : {}),
      public: args.public,
      ...(args.scope !== undefined ? { scope: args.scope } : {}),
      postLogoutRedirectUris: args.postLogoutRedirectUri,
      tokenExchangeFrom: args.tokenExchangeFrom,
    });
    const result = { client_id: created.client_id, ...(created.client_secret ? { client_secret: created.client_secret } : {}) };
    ctx.out.result(result, () =>
      created.client_secret ? `client_id: ${created.client_id}\nclient_secret: ${created.client_secret}` : `client_id: ${created.client_id}`,
    );
  } catch (error) {
    if (error instanceof ClientInputError) throw new CliError(`invalid client: ${error.message}`);
    throw error;
  } finally {
    await warden.close();
  }
};

const list: Handler = async (argv, ctx) => {
  parseCommandArgs(argv, {}, z.object({ json: z.boolean().optional() }), 'warden client list');
  const clients = await listClients((await ctx.store()).db);
  ctx.out.result(clients, () =>
    table(
      ['CLIENT_ID', 'NAME', 'GRANTS', 'AUTH', 'REDIRECT_URIS'],
      clients.map((c) => [c.client_id, c.client_name, c.grant_types.join(','), c.token_endpoint_auth_method, c.redirect_uris.join(' ')]),
    ),
  );
};

export const clientCommands: Record<string, Handler> = { add, list };
