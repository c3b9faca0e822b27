import Provider, { interactionPolicy, type Configuration } from 'oidc-provider';
import type { JSONWebKeySet } from 'jose';
import type { Logger } from '../ops/logger.ts';
import type { AccountService } from '../accounts/account-service.ts';
import { createFindAccount, staleSessionCheck } from '../accounts/oidc-account.ts';
import { claims, SCOPES } from './scopes.ts';
import { ttl } from './ttl.ts';
import type { CookieSigner } from './cookie-signer.ts';
import { features, type RegistrationMode } from './features.ts';
import { extraClientMetadata } from './client-metadata.ts';
import { assertClientAssertion, clientBasedCORS, pkce } from './policies.ts';
import { toProviderRenderError, type RenderErrorHook } from './render-error.ts';
import { rotateRefreshToken, type AssessRefresh } from './refresh-policy.ts';
import { DEFAULT_SIGNING_ALG, SIGNING_ALGS, type SigningJwk } from './key-material.ts';
import type { ProviderPages } from './logout-pages.ts';
import { outboundFetch, type PrivateNetworkPolicy } from './outbound-fetch.ts';
import { loadExistingGrant } from './admin-scope.ts';
import { registerTokenExchange, type AssessExchange, type ExchangedEvent } from './token-exchange/index.ts';

export interface ProviderDeps {
  issuer: string;
  /** oidc-provider's storage adapter (the Prisma adapter). */
  adapter: NonNullable<Configuration['adapter']>;
  /** Private signing keys, ordered so the key that signs comes first per alg (see keys.ts). */
  jwks: { keys: SigningJwk[] };
  /** Signs the provider's cookies (cookie-signer.ts); the same one as the app's. */
  cookieSigner: CookieSigner;
  dpopNonceSecret: Buffer;
  accounts: Pick<AccountService, 'findById'>;
  registration: RegistrationMode;
  /** Proxies whose X-Forwarded-For entries are trusted (see Config.trustedProxies). */
  trustedProxies: number;
  renderError?: RenderErrorHook;
  pages?: ProviderPages;
  assessExchange?: AssessExchange;
  assessRefresh?: AssessRefresh;
  onTokenExchanged?: (event: ExchangedEvent) => Promise<void>;
  /** URLs exempt from the SSRF guard on outgoing requests (internal RPs; tests). */
  allowPrivateNetworkFetch?: PrivateNetworkPolicy;
  logger?: Logger;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** The public half of our keys, for verifying our own tokens (token exchange). */
export function publicKeysOf(jwks: { keys: SigningJwk[] }): JSONWebKeySet {
  return {
    keys: jwks.keys.map((key) => {
      const copy: Record<string, unknown> = { ...key };
      for (const member of PRIVATE_MEMBERS) delete copy[member];
      return copy;
    }),
  };
}

/**
 * The default prompts plus one login check: a browser session whose account findAccount no longer
 * accepts (disabled, or the password changed since it signed in) must sign in again.
 */
function interactionPolicyWithStaleSessionCheck(): NonNullable<NonNullable<Configuration['interactions']>['policy']> {
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(staleSessionCheck(), 1);
  return policy;
}

/**
 * POST to the authorization (and logout) endpoint arrives cross-site, so the library serves it only
 * with a SameSite=None session cookie, which browsers accept only with Secure: possible behind https
 * only. A plain-http issuer keeps SameSite=Lax and turns such a POST into a GET (post-as-get.ts).
 */
export function servesPostNatively(issuer: string): boolean {
  return issuer.startsWith('https:');
}

function configuration(deps: ProviderDeps): Configuration {
  const https = servesPostNatively(deps.issuer);
  return {
    adapter: deps.adapter,
    jwks: deps.jwks,
    findAccount: createFindAccount(deps.accounts),
    interactions: { policy: interactionPolicyWithStaleSessionCheck() },
    loadExistingGrant: loadExistingGrant(deps.accounts),
    claims,
    scopes: SCOPES,
    ttl,
    features: features({ registration: deps.registration, dpopNonceSecret: deps.dpopNonceSecret, pages: deps.pages ?? {} }),
    pkce,
    // The code flow only: no implicit, no hybrid (nothing but a code crosses the front channel).
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: DEFAULT_SIGNING_ALG,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: [...SIGNING_ALGS],
      userinfoSigningAlgValues: [...SIGNING_ALGS],
      introspectionSigningAlgValues: [...SIGNING_ALGS],
      authorizationSigningAlgValues: [...SIGNING_ALGS],
    },
    extraClientMetadata,
    // The redirect_uri is always sent and always compared exactly (loopback ports aside, for natives).
    allowOmittingSingleRegisteredRedirectUri: false,
    assertJwtClientAuthClaimsAndHeader: assertClientAssertion,
    clientBasedCORS,
    rotateRefreshToken: rotateRefreshToken(deps.assessRefresh),
    // Keeps the `act` chain a token exchange put on a token (the library recomputes `extra` on save).
    extraTokenClaims: (_ctx, token) => token.extra,
    renderError: toProviderRenderError(deps.renderError),
    enableHttpPostMethods: https,
    cookies: {
      keys: deps.cookieSigner,
      long: https ? { httpOnly: true, sameSite: 'none', secure: true } : { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax', ...(https ? { secure: true } : {}) },
    },
    clockTolerance: 15,
    fetch: outboundFetch(deps.allowPrivateNetworkFetch),
    // The hosted pages exist in English only: ui_locales is accepted and the pages stay English.
    discovery: { claim_types_supported: ['normal'], ui_locales_supported: ['en'] },
  };
}

/**
 * Builds one oidc-provider instance for a fixed key set. All its state lives in the database, so an
 * instance can be replaced at any time by a new one with the current keys (see provider-host.ts).
 */
export function createProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.issuer, configuration(deps));
  // The provider is a Koa app of its own: its ctx.ip must read the header as the outer app does (app.ts).
  provider.proxy = deps.trustedProxies > 0;
  provider.maxIpsCount = deps.trustedProxies;

  const verificationKeys = publicKeysOf(deps.jwks);
  registerTokenExchange({
    provider,
    verificationKeys: () => verificationKeys,
    accountActive: async (accountId) => {
      const account = await deps.accounts.findById(accountId);
      return account !== undefined && !account.disabled;
    },
    ...(deps.assessExchange ? { assessExchange: deps.assessExchange } : {}),
    ...(deps.onTokenExchanged ? { onExchanged: deps.onTokenExchanged } : {}),
  });

  const logger = deps.logger;
  if (logger) {
    // Only the error and where it happened: request parameters may hold secrets.
    provider.on('server_error', (ctx, error) => logger.error({ err: error, path: ctx.path }, 'provider server error'));
    provider.on('backchannel.error', (_ctx, error, client) =>
      logger.warn({ err: error, clientId: client.clientId }, 'back-channel logout delivery failed'),
    );
  }
  return provider;
}
