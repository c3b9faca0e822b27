// One-time recovery codes for when the authenticator is lost: ten per account, shown once, stored
// only as argon2id hashes (the same parameters as passwords, ARGON2_PARAMS). Each code carries 50
// random bits, grouped for reading aloud ("k7f2-q9xm-p3"); case, spaces and dashes are ignored.
import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Db } from '../store/db.ts';
import { ARGON2_PARAMS } from './password-hashing.ts';

export const RECOVERY_CODE_COUNT = 10;
const CODE_LENGTH = 10;
// Crockford-style base32 without look-alikes (no i, l, o, u).
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function randomCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += ALPHABET[byte & 31];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** What is hashed and compared: lower-case, no separators. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  return compact.length === CODE_LENGTH && [...compact].every((c) => ALPHABET.includes(c)) ? compact : undefined;
}

/** Replaces the account's recovery codes with ten new ones and returns them in clear (once). */
export async function issueRecoveryCodes(db: Db, accountId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, randomCode);
  const hashes = await Promise.all(codes.map((code) => argon2.hash(normalizeRecoveryCode(code) ?? code, ARGON2_PARAMS)));
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { accountId } }),
    db.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ id: randomUUID(), accountId, codeHash })) }),
  ]);
  return codes;
}

/** Uses a recovery code: true once per code; the used code can never pass again. */
export async function consumeRecoveryCode(db: Db, accountId: string, input: string): Promise<boolean> {
  const code = normalizeRecoveryCode(input);
  if (!code) return false;
  const unused = await db.recoveryCode.findMany({ where: { accountId, usedAt: null }, select: { id: true, codeHash: true } });
  for (const row of unused) {
    let matches = false;
    try {
      matches = await argon2.verify(row.codeHash, code);
    } catch {
      matches = false;
    }
    if (!matches) continue;
    // Compare-and-swap: of two parallel uses of one code, only one sees it unused.
    const used = await db.recoveryCode.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
    return used.count === 1;
  }
  return false;
}

export async function remainingRecoveryCodes(db: Db, accountId: string): Promise<number> {
  return db.recoveryCode.count({ where: { accountId, usedAt: null } });
}
