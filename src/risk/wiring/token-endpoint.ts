// The risk engine at the token endpoint. Refresh and token exchange are scored through the hooks the
// provider asks before issuing anything (adapters.ts). Two refusals happen before those hooks run, in
// oidc-provider or the exchange pipeline, and would otherwise leave no risk history:
//   - a consumed refresh token presented again (oidc-provider revokes the grant: invalid_grant),
//   - an exchange asking for scopes beyond the subject token (invalid_scope).
// Both are recorded from the provider's grant.error event, so `warden risk events` and the audit log
// show them with the hard rule that applies ("a single-use token ... presented again", "N scope(s)
// requested beyond the subject token").
import type { KoaContextWithOIDC, Provider, errors } from 'oidc-provider';
import { TOKEN_EXCHANGE_GRANT } from '../../oidc/token-exchange/types.ts';
import { assessExchangeWith, assessRefreshWith } from '../adapters.ts';
import type { RiskEngine } from '../engine.ts';
import { clientAddress } from '../../ops/client-address.ts';

type Failure = (error: unknown) => void;

function scopesOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((s) => s.length > 0) : [];
}

async function recordRefusal(engine: RiskEngine, ctx: KoaContextWithOIDC, error: errors.OIDCProviderError): Promise<void> {
  const { params, client, entities } = ctx.oidc;
  const grantType = params?.['grant_type'];
  const base = { ip: clientAddress(ctx), userAgent: ctx.get('user-agent') || undefined, clientId: client?.clientId, success: false };
  const token = entities.RefreshToken;
  // oidc-provider answers every invalid_grant with the same description; the cause is in error_detail.
  if (grantType === 'refresh_token' && token && error.error_detail === 'refresh token already used') {
    await engine.assess({
      ...base, kind: 'refresh', accountId: token.accountId ?? '', grantId: token.grantId ?? '', tokenId: token.jti, tokenConsumed: true,
    });
    return;
  }
  if (grantType === TOKEN_EXCHANGE_GRANT && error.error === 'invalid_scope') {
    const requested = scopesOf(params?.['scope']);
    const excess = new Set(scopesOf((error as errors.OIDCProviderError & { scope?: unknown }).scope));
    await engine.assess({
      ...base, kind: 'token_exchange', actorDepth: 0, requestedScopes: requested, requestedAudiences: [],
      subject: { issuer: 'self', scopes: requested.filter((s) => !excess.has(s)), audiences: [] },
    });
  }
}

export function tokenEndpointRisk(engine: RiskEngine, onFailure: Failure = () => {}) {
  return {
    assessRefresh: assessRefreshWith(engine),
    assessExchange: assessExchangeWith(engine),
    /** Call on every provider build (key rotation rebuilds it). */
    observeProvider(provider: Provider): void {
      provider.on('grant.error', (ctx, error) => {
        recordRefusal(engine, ctx, error).catch(onFailure);
      });
    },
  };
}
