import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { routeLabel, type Metrics } from './metrics.ts';

type CounterChild = ReturnType<Metrics['httpRequests']['labels']>;
type HistogramChild = ReturnType<Metrics['httpDuration']['labels']>;

/**
 * Counts every request and its latency per bounded route label. Each label combination's series is
 * looked up once and kept (prom-client would otherwise hash the label object on every call); the
 * combinations are bounded: Node's HTTP parser accepts a fixed set of methods, routes are labels.
 */
export function httpMetrics(metrics: Metrics): Middleware {
  const counters = new Map<string, CounterChild>();
  const histograms = new Map<string, HistogramChild>();
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = routeLabel(ctx.path);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const series = `${ctx.method} ${route}`;
      let histogram = histograms.get(series);
      if (!histogram) {
        histogram = metrics.httpDuration.labels({ method: ctx.method, route });
        histograms.set(series, histogram);
      }
      histogram.observe(seconds);
      const withStatus = `${series} ${ctx.status}`;
      let counter = counters.get(withStatus);
      if (!counter) {
        counter = metrics.httpRequests.labels({ method: ctx.method, route, status: String(ctx.status) });
        counters.set(withStatus, counter);
      }
      counter.inc();
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
