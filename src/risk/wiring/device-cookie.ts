// The long-lived device cookie the risk engine's "known device" feature rests on. The browser keeps
// a random 256-bit value; the engine only ever sees its hash, so a copy of the RiskEvent table does
// not hand out cookies that pass as a known device.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';

export const DEVICE_COOKIE = 'warden-device';
const VALUE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Browsers cap cookie lifetimes at 400 days.
const MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;

function deviceIdOf(value: string): string {
  return createHash('sha256').update(`warden device\n${value}`).digest('base64url').slice(0, 32);
}

/** The device id of this browser's cookie; undefined when it has none (or a malformed one). */
export function deviceIdIfAny(ctx: Context): string | undefined {
  const existing = ctx.cookies.get(DEVICE_COOKIE);
  return existing && VALUE_PATTERN.test(existing) ? deviceIdOf(existing) : undefined;
}

/** The device id for this browser, setting the cookie first when it has none (or a malformed one). */
export function ensureDeviceId(ctx: Context): string {
  const existing = deviceIdIfAny(ctx);
  if (existing) return existing;
  const value = randomBytes(32).toString('base64url');
  ctx.cookies.set(DEVICE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: MAX_AGE_MS,
    overwrite: true,
    signed: false,
  });
  return deviceIdOf(value);
}
