import type { Client } from 'oidc-provider';
import type { ActClaim, ResolvedToken } from './types.ts';
import { invalidGrant } from './errors.ts';

/**
 * Step 5: the `act` claim of the new token (RFC 8693 section 4.1). With an actor token, the actor
 * becomes the outermost `act` and the subject token's existing chain nests inside it; without one the
 * existing chain is carried over unchanged, so delegation is never hidden by a further exchange.
 *
 * The actor must be the client making the request (its own client credentials token, or a token
 * issued to it): a client cannot name somebody else as the party acting.
 */
export function buildActClaim(client: Client, subject: ResolvedToken, actor: ResolvedToken | undefined): ActClaim | undefined {
  if (!actor) return subject.act;
  if (actor.clientId !== client.clientId) {
    throw invalidGrant('actor_token was not issued to the client making this request');
  }
  const current: ActClaim = { sub: actor.accountId ?? actor.clientId, client_id: actor.clientId };
  return subject.act ? { ...current, act: subject.act } : current;
}
