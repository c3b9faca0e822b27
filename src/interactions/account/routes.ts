// The account page for a signed-in user (oidc-provider's session), under /account:
//   GET  /account                      second-factor status, recovery codes left, forms below
//   GET  /account/totp                 enrolment: QR code + the secret as text + a confirm form
//   POST /account/totp                 confirm with a code -> active; recovery codes issued
//   POST /account/totp/disable         remove the authenticator (needs a current code)
//   POST /account/recovery-codes       new recovery codes (needs a current code)
//   GET  /account/recovery-codes       shows freshly issued codes once
// Same headers and CSP as the hosted pages; CSRF on every form; every POST ends in a 303.
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type Provider from 'oidc-provider';
import QRCode from 'qrcode';
import { z } from 'zod';
import { pathScope } from '../path-scope.ts';
import type { AccountRecord, AccountService } from '../../accounts/account-service.ts';
import { remainingRecoveryCodes } from '../../accounts/recovery-codes.ts';
import type { TotpService } from '../../accounts/totp.ts';
import type { Db } from '../../store/db.ts';
import { csrfToken, isValidCsrfToken } from '../csrf.ts';
import { errorPageHtml } from '../error-page.ts';
import { formParser, reportUnexpected } from '../page-errors.ts';
import { seeOther, sendPage } from '../page-helpers.ts';
import { setPageHeaders } from '../views.ts';
import { ACCOUNT_MESSAGES, setCodesToShow, setMessage, takeCodesToShow, takeMessage } from './one-time-cookies.ts';
import { signedInAccount } from './session.ts';

export interface AccountPageDeps {
  provider: Provider;
  accounts: AccountService;
  db: Db;
  totp: TotpService;
  secretKey: Buffer;
}

const parseForm = formParser('4kb');
const codeFormSchema = z.object({ csrf: z.string(), code: z.string().trim().max(64) });

function sendError(ctx: Context, status: number, code: string): void {
  setPageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = errorPageHtml({ code });
}

async function pageErrors(ctx: Context, next: Next): Promise<void> {
  setPageHeaders(ctx);
  try {
    await next();
  } catch (error) {
    const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 500;
    if (status >= 500) reportUnexpected(ctx, error);
    sendError(ctx, status >= 400 && status < 500 ? status : 500, status >= 500 ? 'server_error' : 'bad_form');
  }
}

const purpose = (account: AccountRecord) => `account:${account.id}`;

function showSignedOut(ctx: Context): void {
  sendPage(ctx, 'error', {
    title: 'Sign in first',
    explanation: 'The account page is for signed-in users, and this browser is not signed in to Warden.',
    advice: 'Sign in to one of your applications through Warden, then come back to this page.',
  }, 401);
}

export function accountRoutes(deps: AccountPageDeps): Middleware {
  const router = new Router({ prefix: '/account' });
  router.use(pageErrors);

  // Resolves the signed-in account (or answers the request) for every route below.
  router.use(async (ctx, next) => {
    const account = await signedInAccount(ctx, deps.provider, deps.accounts);
    if (!account) return showSignedOut(ctx);
    ctx.state['account'] = account;
    await next();
  });
  const accountOf = (ctx: Context) => ctx.state['account'] as AccountRecord;

  /** A POST with a CSRF-checked form carrying a code; anything else is refused. */
  const codeForm = (handler: (ctx: Context, account: AccountRecord, code: string) => Promise<void>): Middleware[] => [
    parseForm,
    async (ctx) => {
      const account = accountOf(ctx);
      const form = codeFormSchema.safeParse(ctx.request.body);
      if (!form.success || !isValidCsrfToken(ctx, purpose(account), form.data.csrf)) return sendError(ctx, 403, 'csrf');
      await handler(ctx, account, form.data.code);
    },
  ];

  router.get('/', async (ctx) => {
    const account = accountOf(ctx);
    const message = takeMessage(ctx);
    sendPage(ctx, 'account', {
      title: 'Your account',
      email: account.email,
      totpEnabled: account.hasSecondFactor,
      recoveryCodesLeft: account.hasSecondFactor ? await remainingRecoveryCodes(deps.db, account.id) : 0,
      notice: message && message !== 'wrong_code' ? ACCOUNT_MESSAGES[message] : undefined,
      error: message === 'wrong_code' ? ACCOUNT_MESSAGES.wrong_code : undefined,
      csrf: csrfToken(ctx, purpose(account)),
      actions: { enrol: '/account/totp', disable: '/account/totp/disable', regenerate: '/account/recovery-codes' },
    });
  });

  router.get('/totp', async (ctx) => {
    const account = accountOf(ctx);
    if (account.hasSecondFactor) return seeOther(ctx, '/account');
    const pending = await deps.totp.pendingEnrolment(account.id);
    const message = takeMessage(ctx);
    sendPage(ctx, 'account-totp', {
      title: 'Set up an authenticator app',
      qrSvg: await QRCode.toString(pending.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 220 }),
      secret: pending.secret.replace(/(.{4})/g, '$1 ').trim(),
      error: message === 'wrong_code' ? ACCOUNT_MESSAGES.wrong_code : undefined,
      csrf: csrfToken(ctx, purpose(account)),
      actions: { confirm: '/account/totp', back: '/account' },
    });
  });

  // New recovery codes are shown once, on their own page; no codes back means the TOTP code was wrong.
  function showNewCodes(ctx: Parameters<typeof seeOther>[0], accountId: string, codes: string[] | null, done: 'enrolled' | 'regenerated', retry: string) {
    if (!codes) {
      setMessage(ctx, 'wrong_code');
      return seeOther(ctx, retry);
    }
    setMessage(ctx, done);
    setCodesToShow(ctx, deps.secretKey, accountId, codes);
    return seeOther(ctx, '/account/recovery-codes');
  }

  router.post('/totp', ...codeForm(async (ctx, account, code) => {
    showNewCodes(ctx, account.id, await deps.totp.confirmEnrolment(account.id, code), 'enrolled', '/account/totp');
  }));

  router.post('/totp/disable', ...codeForm(async (ctx, account, code) => {
    setMessage(ctx, (await deps.totp.disable(account.id, code)) ? 'disabled' : 'wrong_code');
    seeOther(ctx, '/account');
  }));

  router.post('/recovery-codes', ...codeForm(async (ctx, account, code) => {
    showNewCodes(ctx, account.id, await deps.totp.regenerateRecoveryCodes(account.id, code), 'regenerated', '/account');
  }));

  router.get('/recovery-codes', async (ctx) => {
    const account = accountOf(ctx);
    const codes = takeCodesToShow(ctx, deps.secretKey, account.id);
    if (!codes) return seeOther(ctx, '/account');
    const message = takeMessage(ctx);
    sendPage(ctx, 'recovery-codes', {
      title: 'Your recovery codes',
      notice: message ? ACCOUNT_MESSAGES[message] : undefined,
      codes,
      actions: { back: '/account' },
    });
  });

  return pathScope('/account', router.routes() as Middleware);
}
