// Tokens minted directly through the provider's models, as a completed authorization code flow would
// leave them (grant + access token): for tests of what happens to a user's token after it exists.
import type { StartedWarden } from '../helpers/server.ts';
import { resourceServerFor } from '../../src/oidc/resource-servers.ts';

export async function issueUserAccessToken(
  w: StartedWarden,
  clientId: string,
  accountId: string,
  scope: string,
  resource?: string,
  options: { dpopJkt?: string } = {},
): Promise<{ token: string; grantId: string }> {
  const provider = w.warden.provider;
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const grant = new provider.Grant({ accountId, clientId });
  if (resource) grant.addResourceScope(resource, scope);
  else grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const accessToken = new provider.AccessToken({ accountId, client, grantId, gty: 'authorization_code', scope });
  // With a resource: a JWT access token for that API, exactly as the token endpoint would issue it.
  if (resource) accessToken.resourceServer = new provider.ResourceServer(resource, resourceServerFor(client, resource));
  if (options.dpopJkt) accessToken.setThumbprint('jkt', options.dpopJkt);
  return { token: await accessToken.save(), grantId };
}
