// The two places where oidc-provider asks about accounts: `findAccount` (claims for tokens and
// userinfo) and a login-prompt check that sends a stale session back to the login page. Both enforce
// that a disabled account, or a session from before the last password change, counts for nothing.
import { interactionPolicy, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import { allClaims, type AccountService } from './account-service.ts';
import { isSessionCurrent } from './session-epoch.ts';

const { Check } = interactionPolicy;

function tokenAuthTime(token: Parameters<FindAccount>[2]): number | undefined {
  if (token && 'authTime' in token && typeof token.authTime === 'number') return token.authTime;
  return undefined;
}

/**
 * oidc-provider's `findAccount`. Returns undefined (so the provider refuses the request) for an
 * unknown or disabled account, for a browser session that signed in before the account's session
 * epoch, and for a code or refresh token whose authentication happened before it.
 */
export function createFindAccount(accounts: Pick<AccountService, 'findById'>): FindAccount {
  return async (ctx, sub, token) => {
    const account = await accounts.findById(sub);
    if (!account || account.disabled) return undefined;
    const authTime = tokenAuthTime(token);
    if (authTime !== undefined && !isSessionCurrent(authTime, account.sessionEpoch)) return undefined;
    if (!token && ctx.oidc?.session?.accountId === sub && !isSessionCurrent(ctx.oidc.session.loginTs, account.sessionEpoch)) {
      return undefined;
    }
    return {
      accountId: account.id,
      // The provider filters by scope, the claims parameter and rejected claims itself.
      claims: () => ({ ...allClaims(account), sub: account.id }),
    };
  };
}

/**
 * A check for the `login` prompt: when the browser's session names an account that findAccount no
 * longer accepts (disabled, password changed since), ask for a fresh login instead of proceeding.
 * Add it with `policy.get('login')?.checks.add(staleSessionCheck(), 1)`.
 */
export function staleSessionCheck(): InstanceType<typeof Check> {
  return new Check(
    'stale_session',
    'the session ended because the account changed; End-User authentication is required',
    'login_required',
    (ctx: KoaContextWithOIDC) => {
      const { session, account } = ctx.oidc;
      if (session?.accountId && !account) return Check.REQUEST_PROMPT;
      return Check.NO_NEED_TO_PROMPT;
    },
  );
}
