// One code field for both second factors: six digits are a TOTP code, anything shaped like a recovery
// code is tried as one (argon2 comparisons against the account's unused codes).
import { consumeRecoveryCode, normalizeRecoveryCode } from '../../accounts/recovery-codes.ts';
import { normalizeTotpCode, type TotpService } from '../../accounts/totp.ts';
import type { Db } from '../../store/db.ts';

export type SecondFactorMethod = 'totp' | 'recovery_code';

export async function checkSecondFactor(
  deps: { db: Db; totp: TotpService },
  accountId: string,
  input: string,
): Promise<SecondFactorMethod | null> {
  if (normalizeTotpCode(input)) return (await deps.totp.verify(accountId, input)) ? 'totp' : null;
  if (normalizeRecoveryCode(input)) return (await consumeRecoveryCode(deps.db, accountId, input)) ? 'recovery_code' : null;
  return null;
}

/** RFC 8176 methods a passed step-up adds to the login. */
export function amrFor(method: SecondFactorMethod): string[] {
  return method === 'totp' ? ['otp', 'mfa'] : ['mfa'];
}
