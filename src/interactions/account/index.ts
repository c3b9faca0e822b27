// The account page as a router for createWarden's `routes` (mounted by default).
import type { Middleware } from 'koa';
import { appendAudit } from '../../audit/index.ts';
import { createTotpService } from '../../accounts/totp.ts';
import type { RouteContext } from '../../warden.ts';
import { accountRoutes } from './routes.ts';

export { accountRoutes, type AccountPageDeps } from './routes.ts';

export function accountPages(context: RouteContext): Middleware {
  const { db } = context.store;
  return accountRoutes({
    provider: context.provider,
    accounts: context.accounts,
    db,
    secretKey: context.config.secretKey,
    totp: createTotpService({ db, secretKey: context.config.secretKey, audit: (entry) => appendAudit(db, entry) }),
  });
}
