// Shared setup for the store-backed risk tests: an account with a month of trusted history.
import { randomUUID } from 'node:crypto';
import type { RiskDb } from '../../src/risk/db.ts';
import { networkPrefix, geoOf } from '../../src/risk/features/network.ts';
import { browserFamily } from '../../src/risk/features/browser.ts';

export const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36';
export const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121.0';
export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 9, 1, 14, 0, 0);

export interface Habit {
  accountId: string;
  ip: string;
  deviceId: string;
  userAgent: string;
  clientId: string;
  days: number;
}

/** One trusted login a day at 14:00 UTC from the same place, device and client. */
export async function seedHistory(db: RiskDb, h: Habit): Promise<void> {
  const geo = geoOf(h.ip);
  await db.riskEvent.createMany({
    data: Array.from({ length: h.days }, (_, d) => ({
      id: randomUUID(), at: new Date(T0 + d * DAY), kind: 'password_login', accountId: h.accountId,
      clientId: h.clientId, ip: h.ip, ipPrefix: networkPrefix(h.ip), country: geo?.country ?? null,
      latitude: geo?.latitude ?? null, longitude: geo?.longitude ?? null, userAgent: h.userAgent,
      browserFamily: browserFamily(h.userAgent), deviceId: h.deviceId, success: true, features: {},
      score: 0, decision: 'allow', reasons: [], modelVersion: 'seed',
    })),
  });
}
