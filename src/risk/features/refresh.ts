// Refresh-token use: a consumed token presented again, and how the request differs from where the
// grant started (network, country, browser). Origin: the caller's, else the grant's first RiskEvent
// (read by features/combined.ts).
import type { ResolvedEvent } from '../events.ts';
import type { FeatureValues } from '../spec.ts';
import { browserFamily } from './browser.ts';
import { geoOf, networkPrefix } from './network.ts';

export interface Origin {
  at: Date;
  ipPrefix: string;
  country: string | null;
  browserFamily: string | null;
}

export interface RefreshFacts {
  consumedBefore: boolean;
  origin: Origin | null;
}

/** The token and grant lookups come from the event's single read (combined.ts); this adds the caller's view. */
export function refreshFacts(ev: ResolvedEvent, tokenUsed: boolean, grantFirst: Origin | null): RefreshFacts {
  const ctx = ev.ctx;
  if (ctx.kind !== 'refresh') return { consumedBefore: false, origin: null };
  let origin: Origin | null = grantFirst;
  if (ctx.origin) {
    origin = {
      at: ctx.origin.at,
      ipPrefix: networkPrefix(ctx.origin.ip),
      country: geoOf(ctx.origin.ip)?.country ?? null,
      browserFamily: browserFamily(ctx.origin.userAgent),
    };
  }
  return { consumedBefore: (ctx.tokenConsumed ?? false) || tokenUsed, origin };
}

export function refreshFeatures(ev: ResolvedEvent, facts: RefreshFacts): FeatureValues {
  const f: FeatureValues = { token_reused: facts.consumedBefore ? 1 : 0 };
  const o = facts.origin;
  if (!o) return f;
  f['origin_prefix_diff'] = o.ipPrefix !== ev.ipPrefix ? 1 : 0;
  f['origin_country_diff'] = o.country !== null && ev.country !== null && o.country !== ev.country ? 1 : 0;
  f['origin_browser_diff'] =
    o.browserFamily !== null && ev.browserFamily !== null && o.browserFamily !== ev.browserFamily ? 1 : 0;
  f['grant_age_h'] = Math.max(0, (ev.at.getTime() - o.at.getTime()) / 3_600_000);
  return f;
}
