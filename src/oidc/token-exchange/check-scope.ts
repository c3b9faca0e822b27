import { errors, type Client } from 'oidc-provider';
import { apiScopes } from '../client-metadata.ts';
import type { ResolvedToken } from './types.ts';

/**
 * Step 6: down-scoping only. The new token's scopes are a subset of both the subject token's scopes and
 * the client's registered scope and API scopes (when it has a scope); without a `scope` parameter it gets that whole
 * intersection. offline_access never comes out of an exchange: no refresh token is issued.
 */
export function decideScopes(client: Client, subject: ResolvedToken, requested: Set<string> | undefined): string[] {
  const clientAllowList = client.scope === undefined ? undefined : new Set([...client.scope.split(' '), ...apiScopes(client)]);
  const allowed = [...subject.scopes].filter(
    (scope) => scope !== 'offline_access' && (clientAllowList === undefined || clientAllowList.has(scope)),
  );
  if (requested === undefined) return allowed;

  const excess = [...requested].filter((scope) => !allowed.includes(scope));
  if (excess.length > 0) {
    throw new errors.InvalidScope(
      `requested scope exceeds what the subject token and this client allow: ${excess.join(' ')}`,
      excess.join(' '),
    );
  }
  return [...requested];
}
