import { errors } from 'oidc-provider';

/**
 * oidc-provider's InvalidGrant always answers the generic "grant request is invalid" and keeps the
 * reason out of the response. A client of the token exchange needs to know *why* (which token, which
 * rule), and none of these reasons leaks anything the client did not send itself, so they are spelled out.
 */
export function invalidGrant(description: string): errors.OIDCProviderError {
  return new errors.CustomOIDCProviderError('invalid_grant', description);
}
