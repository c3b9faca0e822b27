import { errors, type Configuration, type Client } from 'oidc-provider';
import { z } from 'zod';
import { ADMIN_SCOPE, SCOPES } from './scopes.ts';

/**
 * Warden's own client metadata, set only by administrators (CLI, admin API), never through dynamic
 * registration: both widen what a client may obtain, so letting a client assert them about itself
 * would let any registrant mint tokens for other clients' users or for any API.
 *
 * - token_exchange_from: client ids whose tokens this client may exchange (RFC 8693 subject tokens).
 * - allowed_resources:   resource indicators (API identifiers, absolute URIs) this client may request
 *                        tokens for; each becomes a resource server issuing JWT access tokens.
 * - api_scopes:          the API scopes (space-separated) the client may obtain for those resources.
 *                        oidc-provider only accepts its own scopes in `scope`, so an administrator's
 *                        `scope` is split on the way in: Warden's scopes stay there, the rest move here.
 */
export const TOKEN_EXCHANGE_FROM = 'token_exchange_from';
export const ALLOWED_RESOURCES = 'allowed_resources';
export const API_SCOPES = 'api_scopes';

const PROVIDER_SCOPES = new Set(SCOPES);
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

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

/** Moves the non-Warden scopes of an administrator-made client's `scope` into `api_scopes`. */
function splitApiScopes(metadata: Record<string, unknown>): void {
  const current = typeof metadata.scope === 'string' ? metadata.scope.split(' ').filter(Boolean) : undefined;
  const existing = typeof metadata[API_SCOPES] === 'string' ? metadata[API_SCOPES].split(' ').filter(Boolean) : [];
  const api = new Set([...existing, ...(current ?? []).filter((s) => !PROVIDER_SCOPES.has(s))]);
  for (const scope of api) {
    if (!SCOPE_TOKEN.test(scope)) throw new errors.InvalidClientMetadata(`api_scopes contains an invalid scope token`);
  }
  if (current !== undefined) {
    const own = current.filter((s) => PROVIDER_SCOPES.has(s));
    // Never let the split widen the client: an empty `scope` would mean "any of Warden's scopes".
    metadata.scope = own.length > 0 ? own.join(' ') : 'openid';
  }
  if (api.size > 0) metadata[API_SCOPES] = [...api].join(' ');
  else delete metadata[API_SCOPES];
}

// C0 controls, DEL and C1 controls. The URL parser drops tabs and line breaks and percent-encodes the
// rest, so oidc-provider accepts such a URI; but the raw string is what is stored, compared with the
// request's redirect_uri and written into Location headers (a CR LF there splits the header, a NUL
// cannot even be stored in PostgreSQL).
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacter(value: string): boolean {
  return CONTROL_CHARACTER.test(value);
}

/** Every URI-valued member (`*_uri`, `*_uris`); a redirect_uris refusal reads invalid_redirect_uri (RFC 7591). */
function refuseControlCharacters(metadata: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (!/_uris?$/.test(key)) continue;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((uri) => typeof uri === 'string' && hasControlCharacter(uri))) {
      throw new errors.InvalidClientMetadata(`${key} must not contain control characters`);
    }
  }
}

export const extraClientMetadata: NonNullable<Configuration['extraClientMetadata']> = {
  properties: [TOKEN_EXCHANGE_FROM, ALLOWED_RESOURCES, API_SCOPES],
  // Called once per property above, each time with all the metadata: checks on standard members run
  // on the first call only.
  validator(ctx, key, value, metadata) {
    const dynamic = ctx !== undefined && DYNAMIC_REGISTRATION_ROUTES.has(ctx.oidc.route);
    if (key === TOKEN_EXCHANGE_FROM) {
      refuseControlCharacters(metadata);
      // The admin API's scope: a client registered by anyone must not hold it. With client_credentials
      // it would get admin tokens of its own, and otherwise one admin's consent would give it them.
      if (dynamic && typeof metadata['scope'] === 'string' && metadata['scope'].split(' ').includes(ADMIN_SCOPE)) {
        throw new errors.InvalidClientMetadata(`the ${ADMIN_SCOPE} scope can only be given to a client by an administrator`);
      }
    }
    if (key === API_SCOPES && !dynamic) {
      splitApiScopes(metadata);
      return;
    }
    if (value === undefined) return;
    if (dynamic) {
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

// Built once: a zod schema costs more to construct than to run, and these are read on every token request.
const storedList = z.array(z.string());

function readList(client: Client, key: string): string[] {
  const parsed = storedList.safeParse(client[key]);
  return parsed.success ? parsed.data : [];
}

export function tokenExchangeFrom(client: Client): string[] {
  return readList(client, TOKEN_EXCHANGE_FROM);
}

export function allowedResources(client: Client): string[] {
  return readList(client, ALLOWED_RESOURCES);
}

export function apiScopes(client: Client): string[] {
  const value = client[API_SCOPES];
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}
