// Mints refresh tokens straight through oidc-provider's models, so the refresh benchmark measures
// the refresh grant itself rather than the login flow that would normally precede it.
import type Provider from 'oidc-provider';

export async function mintRefreshTokens(provider: Provider, accountId: string, clientId: string, count: number): Promise<string[]> {
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope('openid offline_access');
    const grantId = await grant.save();
    const refresh = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      scope: 'openid offline_access',
      gty: 'authorization_code',
      iat: Math.floor(Date.now() / 1000),
    });
    tokens.push(await refresh.save());
  }
  return tokens;
}

export interface BenchFixture {
  url: string;
  cc: { client_id: string; client_secret: string };
  jwtResource: string;
  web: { client_id: string; client_secret: string; redirect_uri: string };
  /** One account per concurrent login worker: a real login burst comes from many people. */
  accounts: Array<{ email: string; password: string }>;
  refreshTokens: string[];
}

export function announce(fixture: BenchFixture): void {
  process.stdout.write(`READY ${JSON.stringify(fixture)}\n`);
}
