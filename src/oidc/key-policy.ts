import { z } from 'zod';
import { SIGNING_ALGS, type SigningAlg } from './key-material.ts';
import { LONGEST_SIGNED_TOKEN_SECONDS } from './ttl.ts';

/**
 * Timing of the signing key lifecycle (published -> active -> retired -> removed).
 *
 * A rotated key is published `propagationDelaySeconds` before it may sign, so every Warden instance
 * (they reload keys every `refreshIntervalSeconds`) and every relying party caching our JWKS sees it
 * first. A key that stops signing stays published for the longest lifetime of anything it signed,
 * plus one refresh interval (an instance that has not reloaded yet may still sign with it).
 */
export interface KeyPolicy {
  algs: readonly SigningAlg[];
  propagationDelaySeconds: number;
  refreshIntervalSeconds: number;
  longestTokenLifetimeSeconds: number;
  clockToleranceSeconds: number;
}

export const DEFAULT_KEY_POLICY: KeyPolicy = {
  algs: SIGNING_ALGS,
  propagationDelaySeconds: 60,
  refreshIntervalSeconds: 15,
  longestTokenLifetimeSeconds: LONGEST_SIGNED_TOKEN_SECONDS,
  clockToleranceSeconds: 15,
};

const seconds = z.coerce.number().int().min(0).max(30 * 24 * 3600);

const keyEnvSchema = z.object({
  WARDEN_KEY_PROPAGATION_SECONDS: seconds.optional(),
  WARDEN_KEY_REFRESH_SECONDS: seconds.min(1).optional(),
});

/** Reads the optional key timing overrides from the environment (validated here, at the edge). */
export function keyPolicyFromEnv(env: NodeJS.ProcessEnv): KeyPolicy {
  const parsed = keyEnvSchema.parse(env);
  return {
    ...DEFAULT_KEY_POLICY,
    propagationDelaySeconds: parsed.WARDEN_KEY_PROPAGATION_SECONDS ?? DEFAULT_KEY_POLICY.propagationDelaySeconds,
    refreshIntervalSeconds: parsed.WARDEN_KEY_REFRESH_SECONDS ?? DEFAULT_KEY_POLICY.refreshIntervalSeconds,
  };
}

/** How long after it stops signing a key must stay in the JWKS. */
export function retentionSeconds(policy: KeyPolicy): number {
  return policy.longestTokenLifetimeSeconds + policy.refreshIntervalSeconds + policy.clockToleranceSeconds;
}
