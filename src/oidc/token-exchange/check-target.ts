import { errors, type Client, type Provider, type ResourceServerInstance } from 'oidc-provider';
import { allowedResources } from '../client-metadata.ts';
import { resourceServerFor } from '../resource-servers.ts';
import { SCOPES } from '../scopes.ts';

export interface Target {
  resourceServer: ResourceServerInstance | undefined;
  /** The scopes that go into the token for that target. */
  scopes: string[];
}

const PROVIDER_SCOPES = new Set(SCOPES);

/**
 * Step 7: where the new token may be used. A requested `resource`/`audience` must be on the client's
 * allow-list (`allowed_resources`); the token is then a JWT for that API carrying only the API's
 * scopes. Without a target the token is opaque and carries only Warden's own scopes (userinfo).
 */
export function decideTarget(provider: Provider, client: Client, targets: string[], scopes: string[]): Target {
  const [identifier] = targets;
  if (identifier === undefined) {
    return { resourceServer: undefined, scopes: scopes.filter((s) => PROVIDER_SCOPES.has(s)) };
  }
  if (!allowedResources(client).includes(identifier)) {
    throw new errors.InvalidTarget(`${identifier} is not a resource or audience this client may request tokens for`);
  }
  const resourceServer = new provider.ResourceServer(identifier, resourceServerFor(client, identifier));
  return { resourceServer, scopes: scopes.filter((s) => resourceServer.scopes.has(s)) };
}
