import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { hkdfSync } from 'node:crypto';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Config } from './config.ts';
import type { Store } from './store/index.ts';
import type { Logger } from './ops/logger.ts';
import { createApp } from './app.ts';
import { createInteractionRoutes, providerPages, renderErrorPage } from './interactions/index.ts';
import { appendAudit } from './audit/index.ts';
import { createAccountService, type AccountService } from './accounts/account-service.ts';
import { createProvider, servesPostNatively, type ProviderDeps } from './oidc/provider.ts';
import { postAsGet } from './oidc/post-as-get.ts';
import { createProviderHost, type ProviderHost } from './oidc/provider-host.ts';
import { loadCookieKeys } from './oidc/cookie-keys.ts';
import { CookieSigner } from './oidc/cookie-signer.ts';
import { keyPolicyFromEnv, type KeyPolicy } from './oidc/key-policy.ts';
import { prismaAdapter, startPurge } from './oidc/prisma-adapter.ts';
import { tokenDigest } from './oidc/token-digest.ts';
import { sealStoredClientSecrets } from './oidc/client-secrets.ts';
import type { RenderErrorHook } from './oidc/render-error.ts';
import type { ProviderPages } from './oidc/logout-pages.ts';
import type { AssessExchange } from './oidc/token-exchange/index.ts';
import type { AssessRefresh } from './oidc/refresh-policy.ts';
import { privateNetworkPolicyFromEnv, type PrivateNetworkPolicy } from './oidc/outbound-fetch.ts';
import type { RiskEngine } from './risk/engine.ts';
import { riskEngineFromConfig, riskWiring, type RiskWiring } from './risk/wiring/index.ts';
import { accountPages } from './interactions/account/index.ts';

/** The metrics hooks createWarden plugs in (src/ops builds them from one prom-client registry). */
export interface WardenMetrics {
  endpoint: Middleware;
  observe: Middleware;
  onProvider?: (provider: Provider) => void;
  /** Every audited login outcome: "succeeded", "failed", "throttled". */
  onLoginOutcome?: (outcome: string) => void;
  onRiskDecision?: (kind: string, decision: string) => void;
}

/** What the routers mounted in front of the provider (interactions, federation, admin) get. */
export interface RouteContext {
  provider: Provider;
  config: Config;
  store: Store;
  accounts: AccountService;
}

export interface WardenOptions {
  config: Config;
  store: Store;
  logger?: Logger;
  /** Key timing; defaults to the environment's (see key-policy.ts). */
  keyPolicy?: KeyPolicy;
  /** Routers in front of the provider, built once the provider exists (default: the hosted pages). */
  routes?: ReadonlyArray<(context: RouteContext) => Middleware>;
  metrics?: WardenMetrics;
  readinessChecks?: ReadonlyArray<() => Promise<boolean>>;
  /** Error and logout pages the provider renders (default: the hosted pages' views). */
  renderError?: RenderErrorHook;
  pages?: ProviderPages;
  assessExchange?: AssessExchange;
  assessRefresh?: AssessRefresh;
  /**
   * Risk scoring in the request paths (src/risk/wiring): the login stage with TOTP step-up, failed
   * logins as history, and refresh / token-exchange assessors (explicit assess* options win).
   * `true` builds the engine from config.riskMode over this store.
   */
  risk?: RiskEngine | true;
  /**
   * Outgoing URLs (back-channel logout, jwks_uri...) allowed to reach private addresses; defaults to
   * the origins in WARDEN_PRIVATE_FETCH_ORIGINS.
   */
  allowPrivateNetworkFetch?: PrivateNetworkPolicy;
}

export interface Warden {
  app: Koa;
  host: ProviderHost;
  /** Stable facade over the current provider (see provider-host.ts). */
  provider: Provider;
  accounts: AccountService;
  /** Starts the background work (key refresh, purge of expired rows); listen() does it too. */
  startBackground(): void;
  /** Starts background work and listening; port 0 picks a free port. */
  listen(port: number, hostname?: string): Promise<Server>;
  /** Stops accepting connections, lets requests in flight finish, stops background work. */
  close(): Promise<void>;
}

/** Expired codes, tokens, sessions... are deleted this often (reads already ignore them). */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** A 32-byte DPoP nonce secret derived from the master key: the same on every instance. */
function dpopNonceSecret(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'warden dpop nonce', 32));
}

/** The login, consent, logout and registration pages under /interaction/:uid (with risk, when wired). */
function hostedPages(risk: RiskWiring | undefined, onLoginOutcome: ((outcome: string) => void) | undefined) {
  return (context: RouteContext): Middleware =>
    createInteractionRoutes({
      provider: context.provider,
      config: context.config,
      db: context.store.db,
      accounts: context.accounts,
      // Login outcomes are counted where they are audited, so the metric and the log cannot disagree.
      ...(onLoginOutcome
        ? {
            audit: (entry) => {
              if (entry.kind.startsWith('login.')) onLoginOutcome(entry.kind.slice('login.'.length));
              return appendAudit(context.store.db, entry);
            },
          }
        : {}),
      ...(risk ? risk.pages : {}),
    });
}

/** Assembles a Warden over an opened (migrated) store: keys, provider, app. */
export async function createWarden(options: WardenOptions): Promise<Warden> {
  const { config, store, logger } = options;
  const { db } = store;
  const accounts = createAccountService(db);
  const cookieSigner = new CookieSigner(await loadCookieKeys(db, config.secretKey));
  const sealedSecrets = await sealStoredClientSecrets(db);
  if (sealedSecrets > 0) logger?.info({ clients: sealedSecrets }, 'sealed client secrets stored before secrets were sealed');
  const adapter = prismaAdapter(db);
  const riskEngine = options.risk === true ? riskEngineFromConfig(config, db, options.metrics?.onRiskDecision) : options.risk;
  const risk = riskEngine
    ? riskWiring({
        engine: riskEngine,
        db,
        secretKey: config.secretKey,
        onFailure: (error) => logger?.warn({ err: error }, 'recording a token-endpoint refusal failed'),
      })
    : undefined;
  const assessExchange = options.assessExchange ?? risk?.assessExchange;
  const assessRefresh = options.assessRefresh ?? risk?.assessRefresh;

  const providerDeps: Omit<ProviderDeps, 'jwks'> = {
    issuer: config.issuer,
    adapter,
    cookieSigner,
    dpopNonceSecret: dpopNonceSecret(config.secretKey),
    accounts,
    registration: config.registration,
    trustedProxies: config.trustedProxies,
    ...(logger ? { logger } : {}),
    renderError: options.renderError ?? renderErrorPage,
    pages: options.pages ?? providerPages,
    ...(assessExchange ? { assessExchange } : {}),
    ...(assessRefresh ? { assessRefresh } : {}),
    onTokenExchanged: async (event) => {
      await appendAudit(db, {
        kind: 'token.exchanged',
        actor: event.clientId,
        subject: event.accountId,
        data: { subjectTokenDigest: event.subjectTokenId === undefined ? null : tokenDigest(event.subjectTokenId), actor: event.actor ?? null, scope: event.scope, target: event.target ?? null },
      });
    },
  };
  const allowPrivate = options.allowPrivateNetworkFetch ?? privateNetworkPolicyFromEnv(process.env);
  if (allowPrivate) providerDeps.allowPrivateNetworkFetch = allowPrivate;

  const host = await createProviderHost({
    db,
    secretKey: config.secretKey,
    keyPolicy: options.keyPolicy ?? keyPolicyFromEnv(process.env),
    build: (jwks) => createProvider({ ...providerDeps, jwks }),
    ...(options.metrics?.onProvider || risk
      ? {
          onBuild: (provider: Provider) => {
            options.metrics?.onProvider?.(provider);
            risk?.observeProvider(provider);
          },
        }
      : {}),
    ...(logger ? { logger } : {}),
  });

  const routeContext: RouteContext = { provider: host.provider, config, store, accounts };
  const provider: Middleware = servesPostNatively(config.issuer)
    ? host.middleware
    : (ctx, next) => postAsGet(ctx, () => host.middleware(ctx, next));
  const app = createApp({
    db,
    cookieSigner,
    trustedProxies: config.trustedProxies,
    issuer: config.issuer,
    provider,
    routes: (options.routes ?? [hostedPages(risk, options.metrics?.onLoginOutcome), accountPages]).map((build) => build(routeContext)),
    ...(logger ? { logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
  });

  let server: Server | undefined;
  let stopPurge: (() => void) | undefined;
  const startBackground = () => {
    host.startRefreshing();
    stopPurge ??= startPurge(db, PURGE_INTERVAL_MS, (error) => logger?.warn({ err: error }, 'purge of expired rows failed'));
  };
  return {
    app,
    host,
    provider: host.provider,
    accounts,
    startBackground,
    async listen(port, hostname) {
      startBackground();
      server = createServer(app.callback());
      // Idle keep-alive sockets must not hold a graceful shutdown open.
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, hostname, () => resolve());
      });
      return server;
    },
    async close() {
      host.close();
      stopPurge?.();
      if (server) {
        const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
        server.closeIdleConnections();
        await closing;
      }
    },
  };
}
