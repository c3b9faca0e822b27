// The hosted pages under /interaction/:uid, mounted by app.ts:
//   GET  /interaction/:uid            login or consent, whichever oidc-provider asks for
//   POST /interaction/:uid/login      password login
//   POST /interaction/:uid/confirm    consent
//   POST /interaction/:uid/abort      cancel / deny
//   GET|POST /interaction/:uid/register   self-registration, when enabled
// Every POST is CSRF-checked and ends in a 303; every response carries the pages' security headers.
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { errors } from 'oidc-provider';
import { pathScope } from './path-scope.ts';
import { appendAudit } from '../audit/index.ts';
import { handleAbort, handleConsent, showConsentPage } from './consent.ts';
import { isValidCsrfToken } from './csrf.ts';
import type { FormHandler, InteractionDeps, ResolvedDeps } from './deps.ts';
import { errorPageHtml } from './error-page.ts';
import { formParser, reportUnexpected } from './page-errors.ts';
import { handleLogin, showLoginPage } from './login.ts';
import { interactionPath, loadInteraction } from './page-helpers.ts';
import { handleRegistration, showRegistrationPage } from './registration.ts';
import { createLoginThrottle } from './throttle.ts';
import { setPageHeaders } from './views.ts';

function resolveDeps(deps: InteractionDeps): ResolvedDeps {
  return {
    ...deps,
    audit: deps.audit ?? ((entry) => appendAudit(deps.db, entry)),
    throttle: deps.throttle ?? createLoginThrottle(deps.db),
    loginStages: deps.loginStages ?? [],
  };
}

function sendError(ctx: Context, status: number, code: string, detail?: string, retryHref?: string): void {
  setPageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = errorPageHtml({ code, detail, retryHref });
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' ? status : undefined;
}

// Errors become pages, never stack traces. Unexpected ones are still reported to the app for logging.
async function pageErrors(ctx: Context, next: Next): Promise<void> {
  setPageHeaders(ctx);
  try {
    await next();
  } catch (error) {
    if (error instanceof errors.SessionNotFound) {
      sendError(ctx, 400, 'session_not_found');
      return;
    }
    if (error instanceof errors.OIDCProviderError) {
      sendError(ctx, error.statusCode, error.error, error.error_description);
      return;
    }
    const status = httpStatusOf(error);
    if (status !== undefined && status >= 400 && status < 500) {
      // Body parser refusals: malformed, undecodable or oversized forms, wrong content type.
      sendError(ctx, status, 'bad_form');
      return;
    }
    reportUnexpected(ctx, error);
    sendError(ctx, 500, 'server_error');
  }
}

function uidOf(ctx: Context): string {
  const uid: unknown = (ctx as Context & { params?: Record<string, string> }).params?.['uid'];
  if (typeof uid !== 'string' || uid.length === 0) throw new errors.SessionNotFound('missing interaction uid');
  return uid;
}


// Form posts only, small: a login form is well under 16 KB even with a 1,024-character password.
const parseForm = formParser('16kb');

function post(deps: ResolvedDeps, handler: FormHandler, allowedPrompts: readonly string[]): Middleware[] {
  return [
    parseForm,
    async (ctx) => {
      const uid = uidOf(ctx);
      const interaction = await loadInteraction(ctx, deps, uid);
      const body: unknown = ctx.request.body;
      const token = typeof body === 'object' && body !== null && 'csrf' in body ? body.csrf : undefined;
      if (!isValidCsrfToken(ctx, uid, token)) {
        sendError(ctx, 403, 'csrf', undefined, interactionPath(uid));
        return;
      }
      if (!allowedPrompts.includes(interaction.prompt.name)) {
        // A form from a step that is already behind us (say, the login form after signing in):
        // send the browser to whatever the interaction needs now.
        sendError(ctx, 409, 'session_not_found', 'This step is already complete.', interactionPath(uid));
        return;
      }
      await handler(ctx, deps, interaction, body);
    },
  ];
}

/** The hosted pages as one koa middleware. */
export function createInteractionRoutes(input: InteractionDeps): Middleware {
  const deps = resolveDeps(input);
  const router = new Router();
  router.use(pageErrors);

  router.get('/interaction/:uid', async (ctx) => {
    const interaction = await loadInteraction(ctx, deps, uidOf(ctx));
    switch (interaction.prompt.name) {
      case 'login':
        await showLoginPage(ctx, deps, interaction);
        return;
      case 'consent':
        await showConsentPage(ctx, deps, interaction);
        return;
      default:
        sendError(ctx, 400, 'interaction_required', `Unsupported step: ${interaction.prompt.name}`);
    }
  });

  router.post('/interaction/:uid/login', ...post(deps, handleLogin, ['login']));
  router.post('/interaction/:uid/confirm', ...post(deps, (ctx, d, interaction) => handleConsent(ctx, d, interaction), ['consent']));
  router.post('/interaction/:uid/abort', ...post(deps, (ctx, d, interaction) => handleAbort(ctx, d, interaction), ['login', 'consent']));

  router.get('/interaction/:uid/register', async (ctx) => {
    if (!deps.config.selfRegistration) {
      sendError(ctx, 404, 'not_found');
      return;
    }
    const interaction = await loadInteraction(ctx, deps, uidOf(ctx));
    showRegistrationPage(ctx, deps, interaction);
  });
  router.post('/interaction/:uid/register', async (ctx, next) => {
    if (!deps.config.selfRegistration) {
      sendError(ctx, 404, 'not_found');
      return;
    }
    await next();
  }, ...post(deps, handleRegistration, ['login']));

  deps.extraRoutes?.(router, { deps, form: (handler, prompts) => post(deps, handler, prompts) });

  // Every route here, the extensions' included, is under /interaction/:uid.
  return pathScope('/interaction', router.routes() as Middleware);
}
