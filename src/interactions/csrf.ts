// CSRF protection for the hosted pages' forms: a signed double-submit token.
//
// The browser holds a random secret in an HttpOnly cookie; each form carries HMAC(secret, purpose),
// where the purpose names the interaction. A cross-site page can neither read the cookie nor compute
// the token, and a token from one interaction is useless on another. No server-side state, so any
// instance sharing the database can check a form another instance rendered.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const SECRET_BYTES = 32;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

// Over HTTPS the __Host- prefix stops a sibling subdomain from planting its own secret.
function cookieName(ctx: Context): string {
  return ctx.secure ? '__Host-warden-csrf' : 'warden-csrf';
}

function sign(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`warden-csrf\n${purpose}`).digest('base64url');
}

function readSecret(ctx: Context): string | undefined {
  const value = ctx.cookies.get(cookieName(ctx));
  return value && SECRET_PATTERN.test(value) ? value : undefined;
}

/** The token to embed in a form for `purpose` (e.g. the interaction uid); sets the cookie if needed. */
export function csrfToken(ctx: Context, purpose: string): string {
  let secret = readSecret(ctx);
  if (!secret) {
    secret = randomBytes(SECRET_BYTES).toString('base64url');
    ctx.cookies.set(cookieName(ctx), secret, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/',
      overwrite: true,
      signed: false,
    });
  }
  return sign(secret, purpose);
}

/** Whether the submitted token matches this browser's secret for `purpose`. */
export function isValidCsrfToken(ctx: Context, purpose: string, submitted: unknown): boolean {
  const secret = readSecret(ctx);
  if (!secret || typeof submitted !== 'string' || submitted.length === 0) return false;
  const expected = Buffer.from(sign(secret, purpose));
  const actual = Buffer.from(submitted);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
