import type { Configuration } from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import { ADMIN_SCOPE } from './scopes.ts';

/**
 * `warden:admin` admits a token to the admin API, so only an admin account may ever be granted it,
 * whatever a client asks for and whatever the consent page recorded. oidc-provider loads the grant an
 * authorization continues with through this hook (after login/consent, and for returning sessions):
 * the one place every user-facing grant passes before a code is issued. A non-admin's grant loses the
 * scope here, persistently, so refreshes and exchanges derived from it cannot bring it back.
 */
export function loadExistingGrant(accounts: Pick<AccountService, 'findById'>): NonNullable<Configuration['loadExistingGrant']> {
  return async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
    if (!grantId) return undefined;
    const grant = await ctx.oidc.provider.Grant.find(grantId);
    if (!grant?.accountId || !grant.getOIDCScope().split(' ').includes(ADMIN_SCOPE)) return grant;
    const account = await accounts.findById(grant.accountId);
    if (!account?.isAdmin) {
      grant.rejectOIDCScope([ADMIN_SCOPE]);
      await grant.save();
    }
    return grant;
  };
}
