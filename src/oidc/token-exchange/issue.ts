import type { Client, Provider } from 'oidc-provider';
import { TOKEN_EXCHANGE_GRANT, TOKEN_TYPE, type ActClaim } from './types.ts';
import type { Target } from './check-target.ts';

export interface IssuedToken {
  access_token: string;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/**
 * Step 9: issue the access token. It gets a grant of its own (so userinfo, introspection and
 * revocation treat it like any other token, and revoking it cannot touch the subject's grant) and
 * carries the `act` chain as an extra claim: in the JWT for APIs, in introspection for opaque tokens.
 */
export async function issueExchangedToken(
  provider: Provider,
  client: Client,
  accountId: string,
  target: Target,
  act: ActClaim | undefined,
  /** The DPoP proof key's thumbprint: the token is bound to it (token_type DPoP). */
  dpopThumbprint?: string,
): Promise<IssuedToken> {
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  const resource = target.resourceServer?.identifier();
  if (resource !== undefined) grant.addResourceScope(resource, target.scopes);
  else grant.addOIDCScope(target.scopes);
  const grantId = await grant.save();

  const scope = target.scopes.join(' ') || undefined;
  const token = new provider.AccessToken({ accountId, client, grantId, gty: TOKEN_EXCHANGE_GRANT, scope });
  if (target.resourceServer) token.resourceServer = target.resourceServer;
  if (act) token.extra = { act };
  if (dpopThumbprint !== undefined) token.setThumbprint('jkt', dpopThumbprint);
  const value = await token.save();

  return {
    access_token: value,
    issued_token_type: TOKEN_TYPE.accessToken,
    token_type: token.tokenType,
    expires_in: token.expiration,
    ...(scope === undefined ? {} : { scope }),
  };
}
