// Account history: novelty of device, browser, network, country and client against the account's
// trusted logins; usual hours; time since the last login; failures on the account; impossible travel.
// Summarised by the database over the newest historyTake login events of the account in the window
// (features/combined.ts), so no rows cross the driver.
// Mirrors models/risk/featurize.py.
import type { ResolvedEvent } from '../events.ts';
import { spec, type FeatureValues } from '../spec.ts';
import { automationFamilies } from './browser.ts';
import { haversineKm } from './network.ts';

const DAY = 86_400_000;
export const loginKinds: readonly string[] = spec.loginKinds;

/**
 * The account's history as the features use it, computed by the database (features/combined.ts) over
 * the newest historyTake login events of the account in the window. "Trusted": a login the account's
 * owner demonstrably made, a valid credential let through by the policy (success and decision allow).
 */
export interface HistorySummary {
  trusted: number;
  /** A trusted event with the event's device id / browser family / prefix / country / client. */
  knownDevice: boolean;
  knownBrowser: boolean;
  knownPrefix: boolean;
  knownCountry: boolean;
  knownClient: boolean;
  /** Trusted events whose UTC hour is within 2 hours (circularly) of the event's. */
  nearHour: number;
  lastTrustedAt: Date | null;
  /** The newest trusted event with a location. */
  lastPlace: { at: Date; latitude: number; longitude: number } | null;
  /** Failed credentials (any decision) in the last hour and day. */
  fail1h: number;
  fail24h: number;
}

/** The UTC hours within 2 of `hour`, circularly: what hourShare counts as "near". */
export function nearHours(hour: number): number[] {
  return [-2, -1, 0, 1, 2].map((d) => (hour + d + 24) % 24);
}

export function historyFeatures(ev: ResolvedEvent, h: HistorySummary): FeatureValues {
  const now = ev.at.getTime();
  const f: FeatureValues = { history_logins: h.trusted };
  const isLogin = loginKinds.includes(ev.kind);
  if (isLogin) {
    f['new_device'] = ev.deviceId === null || !h.knownDevice ? 1 : 0;
    f['ua_automation'] = ev.browserFamily !== null && automationFamilies.has(ev.browserFamily) ? 1 : 0;
  }
  const clientId = ev.ctx.clientId ?? null;
  f['new_browser'] = ev.browserFamily === null || h.knownBrowser ? 0 : 1;
  f['new_prefix'] = h.knownPrefix ? 0 : 1;
  f['new_country'] = ev.country === null || h.knownCountry ? 0 : 1;
  f['geo_unknown'] = ev.country === null ? 1 : 0;
  f['new_client'] = clientId === null || h.knownClient ? 0 : 1;
  // Too little history says nothing about habits: neutral rather than unusual.
  f['hour_share'] = h.trusted < 5 ? 1 : h.nearHour / h.trusted;
  f['days_since_last'] = h.lastTrustedAt ? (now - h.lastTrustedAt.getTime()) / DAY : spec.windows.historyDays;
  f['acct_fail_1h'] = h.fail1h;
  f['acct_fail_24h'] = h.fail24h;
  Object.assign(f, travel(ev, h.lastPlace));
  return f;
}

function travel(ev: ResolvedEvent, last: HistorySummary['lastPlace']): FeatureValues {
  if (ev.latitude === null || ev.longitude === null || last === null) return {};
  const km = haversineKm(last.latitude, last.longitude, ev.latitude, ev.longitude);
  const hours = Math.max((ev.at.getTime() - last.at.getTime()) / 3_600_000, 1 / 60);
  const kmh = Math.min(km / hours, 20_000);
  return { travel_km: km, travel_kmh: kmh, impossible_travel: km > 500 && kmh > 900 ? 1 : 0 };
}
