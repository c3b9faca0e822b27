import { errors, type Configuration } from 'oidc-provider';

type Features = NonNullable<Configuration['features']>;
type IntrospectionPolicy = NonNullable<NonNullable<Features['introspection']>['allowedPolicy']>;
type RevocationPolicy = NonNullable<NonNullable<Features['revocation']>['allowedPolicy']>;

/**
 * Introspection: a confidential client (a resource server, typically) may introspect any token; a
 * public client only its own, since anybody can authenticate as a public client. A token whose client
 * has since been deleted (RFC 7592) is inactive: the library would otherwise call it active, or fail
 * on the missing client with a 500 when it names a user.
 */
export const introspectionAllowed: IntrospectionPolicy = async (ctx, client, token) => {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  return token.clientId !== undefined && (await ctx.oidc.provider.Client.find(token.clientId)) !== undefined;
};

/** Revocation: only the client a token was issued to may revoke it (RFC 7009 section 2.1). */
export const revocationAllowed: RevocationPolicy = (_ctx, client, token) => {
  if (token.clientId === client.clientId) return true;
  // A public client learns nothing either way; a confidential one gets told why.
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
};

/**
 * private_key_jwt / client_secret_jwt: the library accepts the token or endpoint URL as audience too;
 * RFC 9700 section 2.8 and the audience-injection attacks on them call for the issuer alone.
 * (Single use of each jti is enforced by the library through ReplayDetection.)
 */
export const assertClientAssertion: NonNullable<Configuration['assertJwtClientAuthClaimsAndHeader']> = (ctx, claims) => {
  if (claims.aud !== ctx.oidc.issuer) {
    throw new errors.InvalidClientAuth('client assertion audience (aud) must be the issuer identifier, and only it');
  }
};

/**
 * CORS for browser-based clients: only from the origin of one of the client's own redirect URIs, and
 * only where a browser app legitimately calls (userinfo, or any endpoint for a public client). The
 * library never adds CORS headers to the authorization endpoint, which is navigated to, not fetched.
 */
export const clientBasedCORS: NonNullable<Configuration['clientBasedCORS']> = (ctx, origin, client) => {
  if (origin === 'null') return false;
  if (ctx.oidc.route !== 'userinfo' && client.clientAuthMethod !== 'none') return false;
  return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
};

/** PKCE for every client of the code flow, public or confidential (S256 is the only method offered). */
export const pkce: NonNullable<Configuration['pkce']> = { required: () => true };
