// POST to the authorization and logout endpoints on a plain-http issuer.
//
// OpenID Connect requires both endpoints to accept GET and POST. oidc-provider serves POST only with
// a SameSite=None session cookie, since a form posted from the relying party's site is a cross-site
// POST that carries no SameSite=Lax cookie; and browsers keep a SameSite=None cookie only with Secure,
// which an http issuer (local development, the embedded default) cannot set. So on such an issuer the
// POST is answered with 303 See Other to the same endpoint with the same parameters as its query: the
// browser follows with a top-level GET, which does carry Lax cookies, and the request is then
// processed exactly as a GET. https issuers keep the library's own POST handling.
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { MAX_BODY_BYTES } from '../ops/request-limits.ts';
import { minimalErrorHtml } from './render-error.ts';

/** oidc-provider's default paths, which Warden keeps (discovery names them). */
const ENDPOINTS = new Set(['/auth', '/session/end']);

// Room for a request object by value, and still a URL that proxies and browsers pass along.
const MAX_FORM_BYTES = 32 * 1024;

// A refused body is still read off the wire up to the app's own body limit: bytes left unread would be
// parsed as the connection's next request, which then never gets an answer. Past this bound (only a
// chunked body can get there; a declared length over it is refused earlier) the refusal closes the
// connection instead of reading on without end.
const MAX_DRAIN_BYTES = MAX_BODY_BYTES;

type FormBody = { kind: 'form'; form: URLSearchParams } | { kind: 'too-large'; drained: boolean };

/**
 * The body as form parameters, read as URLSearchParams does (no nesting, repeats kept). Events rather
 * than `for await`: leaving that loop early destroys the request, stranding the rest of the body.
 */
function readForm(req: IncomingMessage): Promise<FormBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      outcome();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) {
        req.pause();
        settle(() => resolve({ kind: 'too-large', drained: false }));
      }
    };
    const onEnd = (): void =>
      settle(() =>
        resolve(size <= MAX_FORM_BYTES ? { kind: 'form', form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) } : { kind: 'too-large', drained: true }),
      );
    const onError = (error: Error): void => settle(() => reject(error));
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
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
  const body = await readForm(ctx.req);
  if (body.kind === 'too-large') {
    if (!body.drained) ctx.set('Connection', 'close');
    refuse(ctx, `The form body is larger than ${MAX_FORM_BYTES / 1024} KiB.`);
    return;
  }
  ctx.status = 303;
  ctx.redirect(`${ctx.path}?${body.form.toString()}`);
};
