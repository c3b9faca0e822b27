// Account history: novelty of device, browser, network, country and client against the account's
// trusted logins; usual hours; time since the last login; failures on the account; impossible travel.
// Rows: the newest historyTake login events of the account in the window (features/combined.ts).
// Mirrors models/risk/featurize.py.
import type { ResolvedEvent } from '../events.ts';
import { spec, type FeatureValues } from '../spec.ts';
import { automationFamilies } from './browser.ts';
import { haversineKm } from './network.ts';

const DAY = 86_400_000;
export const loginKinds: readonly string[] = spec.loginKinds;

export interface HistoryRow {
  at: Date;
  success: boolean;
  decision: string;
  ipPrefix: string;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  browserFamily: string | null;
  deviceId: string | null;
  clientId: string | null;
}

/** A login the account's owner demonstrably made: valid credential and let through by the policy. */
export const isTrusted = (r: HistoryRow): boolean => r.success && r.decision === 'allow';

export function historyFeatures(ev: ResolvedEvent, rows: readonly HistoryRow[]): FeatureValues {
  const now = ev.at.getTime();
  const trusted = rows.filter(isTrusted);
  const f: FeatureValues = { history_logins: trusted.length };
  const isLogin = loginKinds.includes(ev.kind);
  if (isLogin) {
    f['new_device'] = ev.deviceId === null || !trusted.some((r) => r.deviceId === ev.deviceId) ? 1 : 0;
    f['ua_automation'] = ev.browserFamily !== null && automationFamilies.has(ev.browserFamily) ? 1 : 0;
  }
  const clientId = ev.ctx.clientId ?? null;
  f['new_browser'] = ev.browserFamily === null || trusted.some((r) => r.browserFamily === ev.browserFamily) ? 0 : 1;
  f['new_prefix'] = trusted.some((r) => r.ipPrefix === ev.ipPrefix) ? 0 : 1;
  f['new_country'] = ev.country === null || trusted.some((r) => r.country === ev.country) ? 0 : 1;
  f['geo_unknown'] = ev.country === null ? 1 : 0;
  f['new_client'] = clientId === null || trusted.some((r) => r.clientId === clientId) ? 0 : 1;
  f['hour_share'] = hourShare(ev.at.getUTCHours(), trusted);
  const last = trusted[0];
  f['days_since_last'] = last ? (now - last.at.getTime()) / DAY : spec.windows.historyDays;
  f['acct_fail_1h'] = rows.filter((r) => !r.success && r.at.getTime() >= now - 3_600_000).length;
  f['acct_fail_24h'] = rows.filter((r) => !r.success && r.at.getTime() >= now - DAY).length;
  Object.assign(f, travel(ev, trusted));
  return f;
}

function hourShare(hour: number, trusted: readonly HistoryRow[]): number {
  // Too little history says nothing about habits: neutral rather than unusual.
  if (trusted.length < 5) return 1;
  const near = trusted.filter((r) => {
    const h = r.at.getUTCHours();
    return Math.min((hour - h + 24) % 24, (h - hour + 24) % 24) <= 2;
  }).length;
  return near / trusted.length;
}

function travel(ev: ResolvedEvent, trusted: readonly HistoryRow[]): FeatureValues {
  if (ev.latitude === null || ev.longitude === null) return {};
  const last = trusted.find((r) => r.latitude !== null && r.longitude !== null);
  if (!last || last.latitude === null || last.longitude === null) return {};
  const km = haversineKm(last.latitude, last.longitude, ev.latitude, ev.longitude);
  const hours = Math.max((ev.at.getTime() - last.at.getTime()) / 3_600_000, 1 / 60);
  const kmh = Math.min(km / hours, 20_000);
  return { travel_km: km, travel_kmh: kmh, impossible_travel: km > 500 && kmh > 900 ? 1 : 0 };
}
