// Who is signed in, for the account pages: oidc-provider's own session (the cookie set at login),
// checked against the account's session epoch so a password change or a disable ends access here too.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountRecord, AccountService } from '../../accounts/account-service.ts';
import { isSessionCurrent } from '../../accounts/session-epoch.ts';

export async function signedInAccount(ctx: Context, provider: Provider, accounts: AccountService): Promise<AccountRecord | undefined> {
  const session = await provider.Session.get(ctx);
  if (!session.accountId) return undefined;
  const account = await accounts.findById(session.accountId);
  if (!account || account.disabled || !isSessionCurrent(session.loginTs, account.sessionEpoch)) return undefined;
  return account;
}
