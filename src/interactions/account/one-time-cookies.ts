// State carried across the 303 that follows each account-page POST:
//   - a notice or error, chosen by code (nothing the client sends is reflected),
//   - freshly issued recovery codes, sealed under the master key and bound to the account, shown
//     by the next GET of /account/recovery-codes and then forgotten.
import type { Context } from 'koa';
import { z } from 'zod';
import { open, seal } from '../../store/secret-box.ts';

export const ACCOUNT_MESSAGES = {
  enrolled: 'Your authenticator app is set up. Keep your recovery codes somewhere safe.',
  disabled: 'Your authenticator app was removed from this account.',
  regenerated: 'New recovery codes were created; the old ones no longer work.',
  wrong_code: 'That code is not right. Check your authenticator app and try again.',
} as const;

export type AccountMessage = keyof typeof ACCOUNT_MESSAGES;
const messageSchema = z.enum(Object.keys(ACCOUNT_MESSAGES) as [AccountMessage, ...AccountMessage[]]);

const MESSAGE_COOKIE = 'warden-account-message';
const CODES_COOKIE = 'warden-recovery-codes';
const FIVE_MINUTES = 5 * 60 * 1000;

const options = (ctx: Context) => ({ path: '/account', httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, overwrite: true, signed: false });

export function setMessage(ctx: Context, message: AccountMessage): void {
  ctx.cookies.set(MESSAGE_COOKIE, message, { ...options(ctx), maxAge: FIVE_MINUTES });
}

export function takeMessage(ctx: Context): AccountMessage | undefined {
  const raw = ctx.cookies.get(MESSAGE_COOKIE);
  if (!raw) return undefined;
  ctx.cookies.set(MESSAGE_COOKIE, null, options(ctx));
  const parsed = messageSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

const codesAad = (accountId: string) => `recovery-codes-display:${accountId}`;

export function setCodesToShow(ctx: Context, secretKey: Buffer, accountId: string, codes: readonly string[]): void {
  ctx.cookies.set(CODES_COOKIE, seal(secretKey, JSON.stringify(codes), codesAad(accountId)), { ...options(ctx), maxAge: FIVE_MINUTES });
}

const shownCodes = z.array(z.string().max(32)).max(20);

export function takeCodesToShow(ctx: Context, secretKey: Buffer, accountId: string): string[] | undefined {
  const raw = ctx.cookies.get(CODES_COOKIE);
  if (!raw) return undefined;
  ctx.cookies.set(CODES_COOKIE, null, options(ctx));
  try {
    const parsed = shownCodes.safeParse(JSON.parse(open(secretKey, raw, codesAad(accountId)).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
