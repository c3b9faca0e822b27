import type { WardenMetrics } from '../warden.ts';
import { httpMetrics, metricsEndpoint, observeProvider } from './http-metrics.ts';
import type { Metrics } from './metrics.ts';

/** Connects one metrics registry to every place in Warden that reports to it. */
export function wardenMetrics(metrics: Metrics): WardenMetrics {
  return {
    endpoint: metricsEndpoint(metrics),
    observe: httpMetrics(metrics),
    onProvider: (provider) => observeProvider(provider, metrics),
    onLoginOutcome: (outcome) => metrics.logins.inc({ outcome }),
    onRiskDecision: (kind, decision) => metrics.riskDecisions.inc({ kind, decision }),
  };
}
