// Password hashing with argon2id. Every cost parameter lives here so raising them is a one-line change;
// stored hashes made under weaker parameters are upgraded the next time their owner signs in.
import argon2 from 'argon2';

// OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1): about 32 ms per hash on the reference
// machine, which keeps password logins above 25/s on one core.
export const ARGON2_PARAMS = Object.freeze({
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

// Passwords are compared after NFKC normalization so that the same visible password typed on
// different keyboards or platforms (composed vs decomposed accents, full-width digits) matches.
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export const argon2Hasher: PasswordHasher = {
  async hash(password) {
    return argon2.hash(normalizePassword(password), ARGON2_PARAMS);
  },
  async verify(hash, password) {
    try {
      return await argon2.verify(hash, normalizePassword(password));
    } catch {
      // A malformed stored hash must read as a failed login, not a 500.
      return false;
    }
  },
};

interface PhcParams {
  algorithm: string;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// Reads the PHC string `$argon2id$v=19$m=19456,t=2,p=1$salt$hash` (parameters in any order);
// undefined for anything else.
export function parseArgon2Params(hash: string): PhcParams | undefined {
  const match = /^\$(argon2(?:id|i|d))\$v=\d+\$([a-z]=\d+(?:,[a-z]=\d+)*)\$/.exec(hash);
  if (!match?.[1] || !match[2]) return undefined;
  const values = new Map(match[2].split(',').map((pair) => [pair[0], Number(pair.slice(2))] as const));
  const memoryCost = values.get('m');
  const timeCost = values.get('t');
  const parallelism = values.get('p');
  if (memoryCost === undefined || timeCost === undefined || parallelism === undefined) return undefined;
  return { algorithm: match[1], memoryCost, timeCost, parallelism };
}

// A hash needs upgrading when it is not argon2id or is cheaper than the current parameters in any
// dimension. Stronger-than-current hashes (say, imported ones) are left alone.
export function needsRehash(hash: string): boolean {
  const params = parseArgon2Params(hash);
  if (!params) return true;
  return (
    params.algorithm !== 'argon2id' ||
    params.memoryCost < ARGON2_PARAMS.memoryCost ||
    params.timeCost < ARGON2_PARAMS.timeCost ||
    params.parallelism < ARGON2_PARAMS.parallelism
  );
}

// The hash an unknown account is checked against, so that "no such account" costs one argon2
// verification exactly like "wrong password". Computed once per hasher, lazily, from a random secret.
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
export function dummyPasswordHash(hasher: PasswordHasher = argon2Hasher): Promise<string> {
  let dummy = dummyHashes.get(hasher);
  if (!dummy) {
    dummy = hasher.hash(`dummy:${crypto.randomUUID()}`);
    dummyHashes.set(hasher, dummy);
  }
  return dummy;
}
