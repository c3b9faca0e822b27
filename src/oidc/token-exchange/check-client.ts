import type { Client } from 'oidc-provider';
import { tokenExchangeFrom } from '../client-metadata.ts';
import type { ResolvedToken } from './types.ts';
import { invalidGrant } from './errors.ts';

/**
 * Step 4: may this client exchange this subject token? Yes when the token was issued to the client
 * itself, to a client an administrator listed in its `token_exchange_from`, or names it as audience.
 * The subject must be an end-user: a client's own token can act, but is nobody to act for.
 */
/** Returns the end-user's account id. */
export function assertClientMayExchange(client: Client, subject: ResolvedToken): string {
  if (subject.accountId === undefined) {
    throw invalidGrant('subject_token does not represent an end-user');
  }
  const issuedToSelf = subject.clientId === client.clientId;
  const trustedIssuer = tokenExchangeFrom(client).includes(subject.clientId);
  const addressedToClient = subject.audiences.has(client.clientId);
  if (!issuedToSelf && !trustedIssuer && !addressedToClient) {
    throw invalidGrant(
      'subject_token was issued to a client this client may not exchange tokens from (see token_exchange_from)',
    );
  }
  return subject.accountId;
}
