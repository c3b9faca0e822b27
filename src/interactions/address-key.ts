// The address a throttle counts against. IPv6 users (and attackers) get a whole /64 from their
// provider, so counting single IPv6 addresses would let anyone rotate past the limit: count the /64.
// IPv4-mapped IPv6 (::ffff:203.0.113.9, what a dual-stack socket reports) counts as the IPv4 address.
import { isIPv4, isIPv6 } from 'node:net';

function expandIPv6(address: string): string[] | undefined {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
}

export function throttleAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] ?? address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const groups = expandIPv6(bare.toLowerCase());
  if (!groups) return bare;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
