import Koa, { type Context, type Middleware } from 'koa';
import { randomUUID } from 'node:crypto';
import { addressOf } from './ops/client-address.ts';
import { MAX_BODY_BYTES } from './ops/request-limits.ts';
import type { Db } from './store/index.ts';
import type { Logger } from './ops/logger.ts';
import { withReadAhead } from './store/read-ahead.ts';
import { settleBeforeAnswering } from './oidc/pending-writes.ts';
import type { CookieSigner } from './oidc/cookie-signer.ts';

/** Applied to every response; pages may tighten (never loosen) them for themselves. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // script-src is present so oidc-provider can add the hash of its form_post auto-submit script.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
};


const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface AppState {
  requestId: string;
  log: Logger | undefined;
}

export interface AppDeps {
  db: Db;
  /** Keygrip keys for signed cookies (shared with the provider, whose middleware runs on our context). */
  cookieSigner: CookieSigner;
  /** See Config.trustedProxies. */
  trustedProxies: number;
  /** The issuer identifier: its host is the only one Warden writes URLs for. */
  issuer: string;
  logger?: Logger;
  /** Serves GET /metrics and counts requests (the lead's src/ops). */
  metrics?: { endpoint: Middleware; observe: Middleware };
  /** Extra readiness checks (models loaded, ...), each true when ready. */
  readinessChecks?: ReadonlyArray<() => Promise<boolean>>;
  /** Routers mounted before the provider: interactions, federation, admin. */
  routes?: readonly Middleware[];
  /** The provider, mounted last (it answers 404 for anything it does not know). */
  provider: Middleware;
}

function requestContext(logger: Logger | undefined): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // The request's child logger is made on first use: pino builds a child's bindings (through its
    // redaction) eagerly, a cost every token request would pay for a logger it rarely uses.
    let child: Logger | undefined;
    const requestLog = (): Logger | undefined => (child ??= logger?.child({ requestId }));
    const state: Pick<AppState, 'requestId'> = { requestId };
    Object.assign(ctx.state, state);
    Object.defineProperty(ctx.state, 'log' satisfies keyof AppState, { get: requestLog, enumerable: true, configurable: true });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      // Anything unhandled becomes a plain 500: no stack trace, no internals, just the request id.
      requestLog()?.error({ err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.type = 'json';
      ctx.body = { error: 'server_error', error_description: `internal error (request id ${requestId})` };
    } finally {
      // The path only: query strings can carry codes and tokens. The base logger with the request id
      // as a field writes the same line as the child would, without building one per request.
      if (logger?.isLevelEnabled('info')) {
        (child ?? logger).info(
          { ...(child ? {} : { requestId }), method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
          'request',
        );
      }
    }
  };
}

const securityHeaders: Middleware = async (ctx, next) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) ctx.set(name, value);
  await next();
};

/** A refusal before any route runs, in OAuth's error format (the one every endpoint's client reads). */
function refuseRequest(ctx: Context, status: number, description: string): void {
  ctx.status = status;
  ctx.type = 'json';
  ctx.body = { error: 'invalid_request', error_description: description };
}

const bodyLimit: Middleware = async (ctx, next) => {
  const length = Number(ctx.get('content-length') || '0');
  if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
    refuseRequest(ctx, 413, 'request body too large');
    return;
  }
  await next();
};

/**
 * Behind trusted proxies the client address is an X-Forwarded-For entry (see createApp). A proxy always
 * appends an address; anything else there reached Warden around the proxies, or through a broken one,
 * and would be stored, throttled and scored as the client's address. (Koa itself falls back to the
 * connection's address when the entry is empty: the proxy's own, shared by every client.)
 */
function forwardedAddress(trustedProxies: number): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('x-forwarded-for');
    const entry = header === '' ? ctx.ip : (header.split(',').slice(-trustedProxies)[0] ?? '');
    if (addressOf(entry) === null) {
      refuseRequest(ctx, 400, 'X-Forwarded-For does not hold the client address a trusted proxy added');
      return;
    }
    await next();
  };
}

/**
 * Every URL Warden writes (discovery's endpoints, redirects, the `htu` a DPoP proof must name) is
 * built from the request's host, which is whatever the client put in Host (or, behind a proxy,
 * X-Forwarded-Host). A provider has one origin, its issuer's: a discovery document pointing to
 * another host, once in a shared cache, would send every client there.
 */
function issuerHost(issuer: string): Middleware {
  const host = new URL(issuer).host;
  return async (ctx, next) => {
    ctx.req.headers.host = host;
    delete ctx.req.headers['x-forwarded-host'];
    await next();
  };
}

function health(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      const checks = [
        async () => {
          await deps.db.$queryRaw`SELECT 1`;
          return true;
        },
        ...(deps.readinessChecks ?? []),
      ];
      const results = await Promise.all(checks.map((check) => check().catch(() => false)));
      const ready = results.every(Boolean);
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready' };
      return;
    }
    return next();
  };
}

/**
 * The HTTP surface: request ids and logs, security headers, body limit, health, metrics, then the
 * routers, then the OpenID Provider. The authorization endpoint gets no CORS headers (oidc-provider
 * only adds them on endpoints meant for browsers' fetch: discovery, JWKS, token, userinfo...).
 */
export function createApp(deps: AppDeps): Koa {
  // Koa reads X-Forwarded-For from the right: only the last `trustedProxies` entries were added by
  // proxies; anything before them is whatever the client sent.
  const app = new Koa({ proxy: deps.trustedProxies > 0, maxIpsCount: deps.trustedProxies });
  app.keys = deps.cookieSigner;
  // Koa's own error logging would print stacks to stderr; requestContext logs them as JSON instead.
  app.silent = true;
  app.use(requestContext(deps.logger));
  app.use(issuerHost(deps.issuer));
  // Rows a token lookup reads ahead for the grant and account lookups after it (store/read-ahead.ts).
  app.use((_ctx, next) => withReadAhead(next));
  if (deps.metrics) app.use(deps.metrics.observe);
  app.use(securityHeaders);
  if (deps.trustedProxies > 0) app.use(forwardedAddress(deps.trustedProxies));
  app.use(bodyLimit);
  app.use(health(deps));
  if (deps.metrics) app.use(deps.metrics.endpoint);
  // Writes a request left pending (a refresh's risk record) are stored before anything answers it.
  app.use(settleBeforeAnswering);
  for (const route of deps.routes ?? []) app.use(route);
  app.use(deps.provider);
  return app;
}
