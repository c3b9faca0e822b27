// The client's address as Warden throttles, scores and stores it. Behind trusted proxies it is an
// X-Forwarded-For entry (app.ts), and some proxies write it with the port they saw
// ("192.0.2.1:51234", "[2001:db8::1]:443"): kept as is, every connection would be a new address to
// per-address throttling and velocity.
import { isIP } from 'node:net';

const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The address in `value` without port, brackets or IPv4-mapped form; null when it holds no address. */
export function addressOf(value: string): string | null {
  let address = value.trim();
  address = BRACKETED.exec(address)?.[1] ?? IPV4_WITH_PORT.exec(address)?.[1] ?? address;
  address = IPV4_MAPPED.exec(address)?.[1] ?? address;
  return isIP(address) === 0 ? null : address.toLowerCase();
}

/** The request's client address (koa's ctx.ip, which app.ts has already checked holds one). */
export function clientAddress(ctx: { ip: string }): string {
  return addressOf(ctx.ip) ?? ctx.ip;
}
