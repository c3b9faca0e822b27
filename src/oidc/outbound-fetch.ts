import type { Configuration } from 'oidc-provider';
import { z } from 'zod';
import { ConfigError } from '../config.ts';

/** Decides whether an outgoing request may reach a private / loopback address (see below). */
export type PrivateNetworkPolicy = (url: URL) => boolean;

function urlOf(input: string | URL | Request): URL {
  if (input instanceof URL) return input;
  return new URL(typeof input === 'string' ? input : input.url);
}

/**
 * oidc-provider fetches client-supplied URLs (jwks_uri, sector_identifier_uri, back-channel logout)
 * through a dispatcher that refuses private, loopback and other special-use addresses: the SSRF
 * protection we want. A deployment whose relying parties live on an internal network (and the tests,
 * whose RPs listen on 127.0.0.1) can exempt exact URLs it trusts; everything else keeps the guard.
 */
export function outboundFetch(allowPrivate: PrivateNetworkPolicy | undefined): NonNullable<Configuration['fetch']> {
  return (input, init) => {
    if (allowPrivate?.(urlOf(input)) && init && 'dispatcher' in init) {
      const { dispatcher: _guarded, ...unguarded } = init as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(input, unguarded);
    }
    return globalThis.fetch(input, init);
  };
}

// Whitespace and/or commas: the README documents a space-separated list, and commas were accepted.
const SEPARATORS = /[\s,]+/;
const originOf = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);

/** The origins of a WARDEN_PRIVATE_FETCH_ORIGINS value; an entry that is not an http(s) URL is a ConfigError. */
function parsePrivateFetchOrigins(raw: string): Set<string> {
  const origins = new Set<string>();
  for (const entry of raw.split(SEPARATORS).filter(Boolean)) {
    const parsed = originOf.safeParse(entry);
    if (!parsed.success) throw new ConfigError(`WARDEN_PRIVATE_FETCH_ORIGINS: ${JSON.stringify(entry)} is not an http(s) origin`);
    origins.add(parsed.data);
  }
  return origins;
}

/**
 * WARDEN_PRIVATE_FETCH_ORIGINS: origins (e.g. `http://rp.internal:8080`), separated by spaces or
 * commas, whose URLs may resolve to private addresses. Unset: no exemption, the guard applies to everything.
 */
export function privateNetworkPolicyFromEnv(env: NodeJS.ProcessEnv): PrivateNetworkPolicy | undefined {
  const raw = env.WARDEN_PRIVATE_FETCH_ORIGINS;
  if (!raw) return undefined;
  const origins = parsePrivateFetchOrigins(raw);
  return (url) => origins.has(url.origin);
}
