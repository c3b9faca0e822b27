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
  if (actor && actor.clientId !== client.clientId) {
    throw invalidGrant('actor_token was not issued to the client making this request');
  }
  // An upstream's token may arrive with a chain of its own, carried over even without an actor.
  const depth = (actor ? 1 : 0) + delegationDepth(subject.act);
  if (depth > MAX_DELEGATION_DEPTH) {
    throw invalidGrant(`the delegation chain would be ${depth} actors long; at most ${MAX_DELEGATION_DEPTH} are accepted`);
  }
  if (!actor) return subject.act;
  const current: ActClaim = { sub: actor.accountId ?? actor.clientId, client_id: actor.clientId };
  return subject.act ? { ...current, act: subject.act } : current;
}

/**
 * The longest delegation chain a token may carry. A client may exchange its own tokens with its own
 * actor token, each hop nesting one more `act`: without a bound it could grow a token (and every
 * introspection and risk record of it) hop by hop. Real chains are a few services long.
 */
export const MAX_DELEGATION_DEPTH = 10;

/** Actors in a chain (0 when there is none). */
export function delegationDepth(act: ActClaim | undefined): number {
  let depth = 0;
  for (let a = act; a; a = a.act) depth += 1;
  return depth;
}
