// Address -> network prefix and offline GeoIP (geoip-lite). Loopback, private and unlisted addresses
// have no location: they are "unknown", never "new", so a login from the office LAN is not an anomaly.
import { isIP } from 'node:net';
import geoip from 'geoip-lite';
import { addressOf } from '../../ops/client-address.ts';

export interface Geo {
  country: string;
  latitude: number;
  longitude: number;
}

/** The address as clientAddress() gives it (no IPv4-mapped form, port or brackets); anything else trimmed, lower-cased. */
export function normalizeAddress(ip: string): string {
  return addressOf(ip) ?? ip.trim().toLowerCase();
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array(Math.max(0, 8 - h.length - t.length)).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0'));
}

/** The /24 of an IPv4 address or the /48 of an IPv6 one: the unit of "known network". */
export function networkPrefix(ip: string): string {
  const a = normalizeAddress(ip);
  const v = isIP(a);
  if (v === 4) return `${a.split('.').slice(0, 3).join('.')}.0/24`;
  if (v === 6) return `${expandIpv6(a).slice(0, 3).join(':')}::/48`;
  return a;
}

// Recent lookups: a relying party's backend refreshes for all its users from a few addresses, and a
// lookup (a binary search over the whole database plus its result object) showed as about 8 µs per
// scored refresh in a CPU profile. Bounded, oldest first out; entries are frozen, since callers share them.
const GEO_CACHE_SIZE = 4096;
const geoCache = new Map<string, Readonly<Geo> | null>();

export function geoOf(ip: string): Readonly<Geo> | null {
  const address = normalizeAddress(ip);
  const cached = geoCache.get(address);
  if (cached !== undefined) return cached;
  const hit = geoip.lookup(address);
  const geo = hit?.country ? Object.freeze({ country: hit.country, latitude: hit.ll[0], longitude: hit.ll[1] }) : null;
  if (geoCache.size >= GEO_CACHE_SIZE) {
    const oldest = geoCache.keys().next().value;
    if (oldest !== undefined) geoCache.delete(oldest);
  }
  geoCache.set(address, geo);
  return geo;
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const dLat = r(lat2 - lat1);
  const dLon = r(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}
