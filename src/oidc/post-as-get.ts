// POST to the authorization and logout endpoints on a plain-http issuer.
//
// OpenID Connect requires both endpoints to accept GET and POST. oidc-provider serves POST only with
// a SameSite=None session cookie, since a form posted from the relying party's site is a cross-site
// POST that carries no SameSite=Lax cookie; and browsers keep a SameSite=None cookie only with Secure,
// which an http issuer (local development, the embedded default) cannot set. So on such an issuer the
// POST is answered with 303 See Other to the same endpoint with the same parameters as its query: the
// browser follows with a top-level GET, which does carry Lax cookies, and the request is then
// processed exactly as a GET. https issuers keep the library's own POST handling.
import type { Context, Middleware } from 'koa';
import { minimalErrorHtml } from './render-error.ts';

/** oidc-provider's default paths, which Warden keeps (discovery names them). */
const ENDPOINTS = new Set(['/auth', '/session/end']);

// Room for a request object by value, and still a URL that proxies and browsers pass along.
const MAX_FORM_BYTES = 32 * 1024;

/** The body as form parameters, read as URLSearchParams does (no nesting, repeats kept); null when too large. */
async function readForm(ctx: Context): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function refuse(ctx: Context, description: string): void {
  ctx.status = 400;
  ctx.type = 'html';
  ctx.body = minimalErrorHtml({ error: 'invalid_request', errorDescription: description });
}

export const postAsGet: Middleware = async (ctx, next) => {
  if (ctx.method !== 'POST' || !ENDPOINTS.has(ctx.path)) return next();
  if (!ctx.is('application/x-www-form-urlencoded')) {
    refuse(ctx, 'This endpoint accepts its parameters in the query string, or in a POST body of type application/x-www-form-urlencoded.');
    return;
  }
  // A repeated parameter stays repeated, so the endpoint refuses it as it would in a GET.
  const form = await readForm(ctx);
  if (!form) {
    refuse(ctx, `The form body is larger than ${MAX_FORM_BYTES / 1024} KiB.`);
    return;
  }
  ctx.status = 303;
  ctx.redirect(`${ctx.path}?${form.toString()}`);
};
