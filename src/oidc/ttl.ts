import type { Configuration } from 'oidc-provider';

/**
 * Lifetimes of everything the provider issues, in seconds. Explicit values (rather than the library's
 * defaults) so the key retention window below can be derived from them.
 */
export const TTL_SECONDS = {
  AccessToken: 60 * 60,
  ClientCredentials: 10 * 60,
  IdToken: 60 * 60,
  AuthorizationCode: 60,
  Interaction: 60 * 60,
  Session: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  // Upper bound the resource servers may ask for in their own accessTokenTTL.
  ResourceServerAccessToken: 60 * 60,
} as const;

/**
 * The longest lifetime of anything signed with our keys (ID tokens, JWT access tokens, logout tokens,
 * signed responses). Refresh tokens and codes are opaque and never signed, so they do not count.
 */
export const LONGEST_SIGNED_TOKEN_SECONDS = Math.max(
  TTL_SECONDS.AccessToken,
  TTL_SECONDS.ClientCredentials,
  TTL_SECONDS.IdToken,
  TTL_SECONDS.ResourceServerAccessToken,
);

export const ttl: NonNullable<Configuration['ttl']> = {
  AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? TTL_SECONDS.AccessToken,
  ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? TTL_SECONDS.ClientCredentials,
  IdToken: TTL_SECONDS.IdToken,
  AuthorizationCode: TTL_SECONDS.AuthorizationCode,
  Interaction: TTL_SECONDS.Interaction,
  Session: TTL_SECONDS.Session,
  Grant: TTL_SECONDS.Grant,
  RefreshToken: TTL_SECONDS.RefreshToken,
};
