import { invalidGrant } from './errors.ts';

/** The account behind the subject token must still exist and be enabled (disabling ends its tokens). */
export async function assertAccountActive(
  accountActive: ((accountId: string) => Promise<boolean>) | undefined,
  accountId: string,
): Promise<void> {
  if (accountActive && !(await accountActive(accountId))) {
    throw invalidGrant('subject_token belongs to an account that is disabled or no longer exists');
  }
}
