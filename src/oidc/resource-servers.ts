import { errors, type Client, type Configuration, type ResourceServer } from 'oidc-provider';
import { allowedResources, apiScopes } from './client-metadata.ts';
import { TTL_SECONDS } from './ttl.ts';
import { DEFAULT_SIGNING_ALG } from './key-material.ts';

type ResourceIndicatorsFeature = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;


/**
 * Resource servers come from each client's `allowed_resources` allow-list (RFC 8707): a client can get
 * a token for an API only if an administrator listed that API for it. Their tokens are JWTs (at+jwt)
 * signed with the default key, so APIs can verify them offline against our JWKS.
 */
export function resourceServerFor(client: Client, resourceIndicator: string): ResourceServer {
  if (!allowedResources(client).includes(resourceIndicator)) {
    throw new errors.InvalidTarget(`resource ${resourceIndicator} is not allowed for this client`);
  }
  return {
    // Only the client's API scopes: identity scopes (openid, profile...) never go into an API's token.
    scope: apiScopes(client).join(' '),
    audience: resourceIndicator,
    accessTokenFormat: 'jwt',
    accessTokenTTL: TTL_SECONDS.ResourceServerAccessToken,
    jwt: { sign: { alg: DEFAULT_SIGNING_ALG } },
  };
}

export const resourceIndicators: ResourceIndicatorsFeature = {
  enabled: true,
  // Without an explicit resource the token stays opaque and is only good for userinfo.
  defaultResource: () => undefined,
  // A code granted for one resource is redeemed for that resource even when the token request omits it.
  useGrantedResource: () => true,
  getResourceServerInfo: (_ctx, resourceIndicator, client) => resourceServerFor(client, resourceIndicator),
};
