import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one Warden process. A registry per instance (not prom-client's global one)
 * so tests can run several instances in one process without "metric already registered" errors.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  logins: Counter<'outcome'>;
  tokens: Counter<'grant_type'>;
  riskDecisions: Counter<'kind' | 'decision'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'warden_process_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'warden_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'warden_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'warden_logins_total',
      help: 'Login attempts by outcome (success, failure, throttled, step_up, denied)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'warden_tokens_issued_total',
      help: 'Tokens issued by the token endpoint, by grant type',
      labelNames: ['grant_type'],
      registers: [registry],
    }),
    riskDecisions: new Counter({
      name: 'warden_risk_decisions_total',
      help: 'Risk engine decisions by event kind and decision',
      labelNames: ['kind', 'decision'],
      registers: [registry],
    }),
  };
}

/**
 * Collapses a request path to a bounded route label, so ids in paths (interaction uids, client ids,
 * token ids) cannot blow up the metric's cardinality.
 */
export function routeLabel(path: string): string {
  if (path.startsWith('/interaction/')) return '/interaction/:uid';
  if (path.startsWith('/federation/')) return '/federation/:slug';
  if (path.startsWith('/admin/api/')) return '/admin/api';
  if (path.startsWith('/admin')) return '/admin';
  if (/^\/reg\/[^/]+$/.test(path)) return '/reg/:client_id';
  if (/^\/session\/end/.test(path)) return '/session/end';
  const known = [
    '/.well-known/openid-configuration',
    '/.well-known/oauth-authorization-server',
    '/jwks',
    '/auth',
    '/token',
    '/me',
    '/reg',
    '/request',
    '/token/introspection',
    '/token/revocation',
    '/backchannel',
    '/device',
    '/healthz',
    '/readyz',
    '/metrics',
  ];
  return known.includes(path) ? path : 'other';
}
