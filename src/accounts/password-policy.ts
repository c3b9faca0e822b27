// Password rules after NIST SP 800-63B-4 and OWASP ASVS 5.0: length, a blocklist, nothing else.
// No composition rules (they push people towards "Password1!") and no truncation.
//
// Decision: an account counts as password-only unless it has a confirmed second factor (TOTP). Every
// new account starts password-only, so creation and registration require 15 characters; an account
// that has enrolled TOTP may change its password to one of 8 or more.
import { isCommonPassword } from './common-passwords.ts';
import { normalizePassword } from './password-hashing.ts';

export const PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR = 8;
export const PASSWORD_MIN_LENGTH_PASSWORD_ONLY = 15;
// Far above the 64 that must be allowed; the bound only keeps a hash request from being a
// denial-of-service vector. Passwords longer than this are refused, never cut.
export const PASSWORD_MAX_LENGTH = 1024;

export type PasswordProblem = 'too_short' | 'too_long' | 'contains_nul' | 'common' | 'contains_identifier' | 'repetitive';

export type PasswordCheck = { ok: true } | { ok: false; problem: PasswordProblem; message: string };

export interface PasswordContext {
  hasSecondFactor: boolean;
  // Words the password must not be built from: the email address, its local part, the user's name.
  identifiers?: readonly (string | undefined | null)[];
}

// Length in user-perceived characters (code points after normalization), not UTF-16 units.
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}

export function minimumPasswordLength(hasSecondFactor: boolean): number {
  return hasSecondFactor ? PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR : PASSWORD_MIN_LENGTH_PASSWORD_ONLY;
}

// A password that is one short unit repeated ("aaaaaaaaaaaaaaaa", "abcabcabcabcabc") adds no
// entropy with length; NIST lists repetitive strings among what to refuse.
function isRepetitive(password: string): boolean {
  const chars = [...password];
  for (let unit = 1; unit <= 3; unit += 1) {
    if (chars.length % unit !== 0 || chars.length === unit) continue;
    const head = chars.slice(0, unit).join('');
    if (head.repeat(chars.length / unit) === password) return true;
  }
  return false;
}

function identifierWords(identifiers: PasswordContext['identifiers']): string[] {
  const words = new Set<string>();
  for (const identifier of identifiers ?? []) {
    if (!identifier) continue;
    const lower = identifier.toLowerCase();
    words.add(lower);
    const local = lower.split('@')[0];
    if (local) words.add(local);
  }
  // Very short fragments ("jo") appear in good passwords by chance; only refuse meaningful ones.
  return [...words].filter((word) => word.length >= 4);
}

// The password (lower-cased, with the identifier removed) must still be more than a trivial
// leftover: "alice@example.com2024" is refused, "correct horse alice battery" is fine.
function isBuiltFromIdentifier(password: string, words: string[]): boolean {
  const lower = password.toLowerCase();
  return words.some((word) => {
    if (!lower.includes(word)) return false;
    const rest = lower.split(word).join('');
    return [...rest].length < PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR;
  });
}

export function checkPassword(password: string, context: PasswordContext): PasswordCheck {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  const minimum = minimumPasswordLength(context.hasSecondFactor);
  if (length < minimum) {
    return {
      ok: false,
      problem: 'too_short',
      message: context.hasSecondFactor
        ? `Use at least ${minimum} characters.`
        : `Use at least ${minimum} characters (a passphrase of a few unrelated words works well).`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return { ok: false, problem: 'too_long', message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  // Nobody types a NUL: it comes from a broken script or paste, and C-string code (hashing libraries,
  // password managers, other systems the password is reused with) ends the password there.
  if (normalized.includes('\u0000')) {
    return { ok: false, problem: 'contains_nul', message: 'A password cannot contain the NUL character (U+0000).' };
  }
  if (isCommonPassword(normalized)) {
    return {
      ok: false,
      problem: 'common',
      message: 'This password appears in lists of common or breached passwords. Choose another one.',
    };
  }
  if (isRepetitive(normalized)) {
    return { ok: false, problem: 'repetitive', message: 'This password is a short pattern repeated. Choose another one.' };
  }
  if (isBuiltFromIdentifier(normalized, identifierWords(context.identifiers))) {
    return {
      ok: false,
      problem: 'contains_identifier',
      message: 'This password is mostly your email address or name. Choose another one.',
    };
  }
  return { ok: true };
}
