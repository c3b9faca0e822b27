// Server-rendered pages from views/*.eta. The stylesheet is inlined and allowed by its hash in the
// Content-Security-Policy, so pages load nothing else: no scripts, no third-party assets.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';

export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));

const css = readFileSync(path.join(VIEWS_DIR, 'warden.css'), 'utf8');
const cssHash = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

// form-action is deliberately absent: after a POST the browser follows our 303 to the authorization
// endpoint and on to the client's redirect URI, and Chromium applies form-action to that whole chain.
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${cssHash}`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': PAGE_CSP,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  // Pages carry CSRF tokens and personal data: never cache them.
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });

export type ViewName = 'login' | 'consent' | 'logout' | 'logged-out' | 'error' | 'register' | 'step-up' | 'account' | 'account-totp' | 'recovery-codes';

export interface PageData {
  title: string;
  [key: string]: unknown;
}

export function renderPage(view: ViewName, data: PageData): string {
  return eta.render(view, { ...data, css });
}

// Anything with settable headers: a koa context, or oidc-provider's context for its own pages.
interface HeaderTarget {
  set(field: string, value: string): void;
}

export function setPageHeaders(ctx: HeaderTarget): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) ctx.set(name, value);
}
