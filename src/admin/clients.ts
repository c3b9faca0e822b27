// Administrator-made OAuth clients: the CLI (`warden client add|list`) and the admin API create and
// list clients here. Metadata is validated by oidc-provider itself (the same rules as dynamic
// registration, plus Warden's admin-only metadata) before it is stored, and every change is audited.
import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { appendAudit } from '../audit/index.ts';
import { prismaAdapter } from '../oidc/prisma-adapter.ts';
import { TOKEN_EXCHANGE_FROM } from '../oidc/client-metadata.ts';
import type { Db } from '../store/index.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

const GRANT_ALIASES: Record<string, string> = {
  'token-exchange': TOKEN_EXCHANGE_GRANT,
  token_exchange: TOKEN_EXCHANGE_GRANT,
};

const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT] as const;

export const newClientSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    redirectUris: z.array(z.string()).default([]),
    grantTypes: z
      .array(z.string().transform((g) => GRANT_ALIASES[g] ?? g))
      .default(['authorization_code', 'refresh_token'])
      .refine((grants) => grants.every((g) => (SUPPORTED_GRANTS as readonly string[]).includes(g)), {
        message: `each grant type must be one of ${SUPPORTED_GRANTS.join(', ')} (implicit and password are not supported)`,
      }),
    public: z.boolean().default(false),
    scope: z.string().trim().optional(),
    postLogoutRedirectUris: z.array(z.string()).default([]),
    tokenExchangeFrom: z.array(z.string().min(1)).default([]),
  })
  .superRefine((input, ctx) => {
    const usesCode = input.grantTypes.includes('authorization_code');
    if (usesCode && input.redirectUris.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectUri'], message: 'is required for clients that use the authorization_code grant' });
    }
    if (!usesCode && input.redirectUris.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectUri'], message: 'only applies to clients that use the authorization_code grant' });
    }
    if (input.public && !usesCode) {
      ctx.addIssue({ code: 'custom', path: ['public'], message: 'public clients can only use the authorization_code grant (with PKCE)' });
    }
    if (input.tokenExchangeFrom.length > 0 && !input.grantTypes.includes(TOKEN_EXCHANGE_GRANT)) {
      ctx.addIssue({ code: 'custom', path: ['tokenExchangeFrom'], message: `needs --grant-type ${TOKEN_EXCHANGE_GRANT}` });
    }
  });

export type NewClient = z.input<typeof newClientSchema>;

export interface CreatedClient {
  client_id: string;
  client_secret?: string;
  metadata: ClientMetadata;
}

export interface ClientSummary {
  client_id: string;
  client_name: string;
  grant_types: string[];
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  scope?: string;
  created_at: Date;
}

export class ClientInputError extends Error {
  override name = 'ClientInputError';
}

/** Builds, validates (through oidc-provider) and stores a client; returns its id and secret once. */
export async function createClient(provider: Provider, db: Db, input: NewClient, actor = 'cli'): Promise<CreatedClient> {
  const parsed = newClientSchema.safeParse(input);
  if (!parsed.success) {
    throw new ClientInputError(parsed.error.issues.map((i) => `${i.path.join('.') || 'client'}: ${i.message}`).join('; '));
  }
  const spec = parsed.data;
  const usesCode = spec.grantTypes.includes('authorization_code');
  const clientId = randomBytes(16).toString('base64url');
  const clientSecret = spec.public ? undefined : randomBytes(32).toString('base64url');
  const metadata: ClientMetadata = {
    client_id: clientId,
    client_name: spec.name,
    grant_types: [...new Set(spec.grantTypes)],
    response_types: usesCode ? ['code'] : [],
    redirect_uris: spec.redirectUris,
    token_endpoint_auth_method: spec.public ? 'none' : 'client_secret_basic',
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
    ...(spec.postLogoutRedirectUris.length > 0 ? { post_logout_redirect_uris: spec.postLogoutRedirectUris } : {}),
    ...(spec.scope ? { scope: spec.scope } : {}),
    ...(spec.tokenExchangeFrom.length > 0 ? { [TOKEN_EXCHANGE_FROM]: spec.tokenExchangeFrom } : {}),
  };
  try {
    await provider.Client.validate(metadata);
  } catch (error) {
    const description = (error as { error_description?: string }).error_description ?? (error as Error).message;
    throw new ClientInputError(description);
  }
  // oidc-provider re-validates (and normalises) stored metadata every time it loads a client.
  const accepted = metadata;
  const Adapter = prismaAdapter(db);
  await new Adapter('Client').upsert(clientId, accepted, 0);
  await appendAudit(db, {
    kind: 'client.created',
    actor,
    subject: clientId,
    data: { client_name: spec.name, grant_types: [...(accepted.grant_types ?? [])], redirect_uris: [...(accepted.redirect_uris ?? [])], public: spec.public },
  });
  return { client_id: clientId, ...(clientSecret === undefined ? {} : { client_secret: clientSecret }), metadata: accepted };
}

const storedClientSchema = z.looseObject({
  client_id: z.string(),
  client_name: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  redirect_uris: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  scope: z.string().optional(),
});

/** Every stored client (admin-made and dynamically registered), oldest first; never a secret. */
export async function listClients(db: Db): Promise<ClientSummary[]> {
  const rows = await db.oidcPayload.findMany({ where: { model: 'Client' }, orderBy: { createdAt: 'asc' } });
  return rows.flatMap((row) => {
    const parsed = storedClientSchema.safeParse(row.payload);
    if (!parsed.success) return [];
    const c = parsed.data;
    return [
      {
        client_id: c.client_id,
        client_name: c.client_name ?? '',
        grant_types: c.grant_types ?? ['authorization_code'],
        redirect_uris: c.redirect_uris ?? [],
        token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
        ...(c.scope ? { scope: c.scope } : {}),
        created_at: row.createdAt,
      },
    ];
  });
}
