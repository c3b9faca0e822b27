import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { routeLabel, type Metrics } from './metrics.ts';

/** Counts every request and its latency per bounded route label. */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = routeLabel(ctx.path);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
      metrics.httpDuration.observe({ method: ctx.method, route }, seconds);
    }
  };
}

/** Serves the registry in Prometheus text format. */
export function metricsEndpoint(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next();
    ctx.set('Content-Type', metrics.registry.contentType);
    ctx.body = await metrics.registry.metrics();
  };
}

/** Tokens by grant type come from the provider's own success event, not from parsing responses. */
export function observeProvider(provider: Provider, metrics: Metrics): void {
  provider.on('grant.success', (ctx) => {
    const grantType = ctx.oidc.params?.grant_type;
    metrics.tokens.inc({ grant_type: typeof grantType === 'string' ? grantType : 'unknown' });
  });
}
