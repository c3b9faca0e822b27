import { errors } from 'oidc-provider';
import { z } from 'zod';
import { TOKEN_TYPE, type ExchangeRequest } from './types.ts';

/** The parameters the grant accepts; `resource` and `audience` may repeat (RFC 8693 section 2.1). */
export const TOKEN_EXCHANGE_PARAMS = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'scope',
  'resource',
  'audience',
] as const;
export const TOKEN_EXCHANGE_DUPLICATES = ['resource', 'audience'] as const;

const SUPPORTED_TYPES = new Set<string>([TOKEN_TYPE.accessToken, TOKEN_TYPE.idToken]);

const oneOrMany = z.union([z.string(), z.array(z.string())]).optional();
const paramsSchema = z.object({
  subject_token: z.string().optional(),
  subject_token_type: z.string().optional(),
  actor_token: z.string().optional(),
  actor_token_type: z.string().optional(),
  requested_token_type: z.string().optional(),
  scope: z.string().optional(),
  resource: oneOrMany,
  audience: oneOrMany,
});

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

function requireType(name: string, value: string | undefined): string {
  if (!value) throw new errors.InvalidRequest(`missing required parameter '${name}'`);
  if (!SUPPORTED_TYPES.has(value)) {
    throw new errors.InvalidRequest(`unsupported ${name}; supported: ${[...SUPPORTED_TYPES].join(', ')}`);
  }
  return value;
}

/** Step 1: validate the request's shape; everything after works on typed values. */
export function parseExchangeParams(raw: unknown): ExchangeRequest {
  const parsed = paramsSchema.safeParse(raw);
  if (!parsed.success) throw new errors.InvalidRequest('malformed token exchange parameters');
  const p = parsed.data;

  if (!p.subject_token) throw new errors.InvalidRequest("missing required parameter 'subject_token'");
  const subjectTokenType = requireType('subject_token_type', p.subject_token_type);

  if ((p.actor_token === undefined) !== (p.actor_token_type === undefined)) {
    throw new errors.InvalidRequest('actor_token and actor_token_type must be sent together');
  }
  const actorTokenType = p.actor_token === undefined ? undefined : requireType('actor_token_type', p.actor_token_type);

  if (p.requested_token_type !== undefined && p.requested_token_type !== TOKEN_TYPE.accessToken) {
    throw new errors.InvalidRequest(`unsupported requested_token_type; only ${TOKEN_TYPE.accessToken} is issued`);
  }

  const targets = [...new Set([...list(p.resource), ...list(p.audience)])];
  if (targets.length > 1) {
    throw new errors.InvalidTarget('only one resource or audience may be requested per exchange');
  }

  return {
    subjectToken: p.subject_token,
    subjectTokenType,
    actorToken: p.actor_token,
    actorTokenType,
    requestedScopes: p.scope === undefined ? undefined : new Set(p.scope.split(' ').filter(Boolean)),
    targets,
  };
}
