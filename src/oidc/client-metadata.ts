import { errors, type Configuration, type Client } from 'oidc-provider';
import { z } from 'zod';

/**
 * Warden's own client metadata, set only by administrators (CLI, admin API), never through dynamic
 * registration: both widen what a client may obtain, so letting a client assert them about itself
 * would let any registrant mint tokens for other clients' users or for any API.
 *
 * - token_exchange_from: client ids whose tokens this client may exchange (RFC 8693 subject tokens).
 * - allowed_resources:   resource indicators (API identifiers, absolute URIs) this client may request
 *                        tokens for; each becomes a resource server issuing JWT access tokens.
 */
export const TOKEN_EXCHANGE_FROM = 'token_exchange_from';
export const ALLOWED_RESOURCES = 'allowed_resources';

const DYNAMIC_REGISTRATION_ROUTES = new Set(['registration', 'client_update']);

const clientIdList = z.array(z.string().min(1).max(200)).max(100);
const resourceList = z
  .array(
    z
      .string()
      .max(2000)
      .refine((value) => {
        const url = URL.parse(value);
        // RFC 8707: an absolute URI without a fragment.
        return url !== null && url.hash === '' && !value.includes('#');
      }, 'must be an absolute URI without a fragment'),
  )
  .max(100);

const schemas: Record<string, z.ZodType<string[]>> = {
  [TOKEN_EXCHANGE_FROM]: clientIdList,
  [ALLOWED_RESOURCES]: resourceList,
};

export const extraClientMetadata: NonNullable<Configuration['extraClientMetadata']> = {
  properties: [TOKEN_EXCHANGE_FROM, ALLOWED_RESOURCES],
  validator(ctx, key, value) {
    if (value === undefined) return;
    if (ctx && DYNAMIC_REGISTRATION_ROUTES.has(ctx.oidc.route)) {
      throw new errors.InvalidClientMetadata(`${key} can only be set by an administrator`);
    }
    const schema = schemas[key];
    if (!schema) return;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new errors.InvalidClientMetadata(`${key} must be an array of ${key === ALLOWED_RESOURCES ? 'absolute URIs' : 'client ids'}`);
    }
  },
};

function readList(client: Client, key: string): string[] {
  const parsed = z.array(z.string()).safeParse(client[key]);
  return parsed.success ? parsed.data : [];
}

export function tokenExchangeFrom(client: Client): string[] {
  return readList(client, TOKEN_EXCHANGE_FROM);
}

export function allowedResources(client: Client): string[] {
  return readList(client, ALLOWED_RESOURCES);
}
