// Failures the account functions report to their callers (CLI, admin API, registration page). Each
// carries a code for programs and a sentence for people.
export type AccountErrorCode = 'invalid_input' | 'email_taken' | 'weak_password' | 'not_found';

export class AccountError extends Error {
  override name = 'AccountError';
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// Prisma reports a unique-constraint violation as P2002, on both stores.
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
