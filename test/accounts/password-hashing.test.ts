import argon2 from 'argon2';
import test from 'ava';
import {
  ARGON2_PARAMS,
  argon2Hasher,
  needsRehash,
  parseArgon2Params,
} from '../../src/accounts/password-hashing.ts';

test('hashes are argon2id with at least OWASP minimum parameters', async (t) => {
  const hash = await argon2Hasher.hash('a perfectly fine passphrase');
  const params = parseArgon2Params(hash);
  t.truthy(params);
  t.is(params?.algorithm, 'argon2id');
  t.true((params?.memoryCost ?? 0) >= 19_456);
  t.true((params?.timeCost ?? 0) >= 2);
  t.true((params?.parallelism ?? 0) >= 1);
  t.deepEqual(
    { m: params?.memoryCost, t: params?.timeCost, p: params?.parallelism },
    { m: ARGON2_PARAMS.memoryCost, t: ARGON2_PARAMS.timeCost, p: ARGON2_PARAMS.parallelism },
  );
  t.true(await argon2Hasher.verify(hash, 'a perfectly fine passphrase'));
  t.false(await argon2Hasher.verify(hash, 'a perfectly fine passphrasE'));
});

test('no truncation: passwords differing only after character 72 (or 1000) differ', async (t) => {
  const prefix = 'p'.repeat(72);
  const hash = await argon2Hasher.hash(`${prefix}-one`);
  t.true(await argon2Hasher.verify(hash, `${prefix}-one`));
  t.false(await argon2Hasher.verify(hash, `${prefix}-two`));
  const longPrefix = 'word '.repeat(200);
  const longHash = await argon2Hasher.hash(`${longPrefix}a`);
  t.false(await argon2Hasher.verify(longHash, `${longPrefix}b`));
});

test('equivalent Unicode forms verify alike (NFKC)', async (t) => {
  const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
  const decomposed = composed.normalize('NFD');
  t.not(composed, decomposed);
  const hash = await argon2Hasher.hash(composed);
  t.true(await argon2Hasher.verify(hash, decomposed));
});

test('weaker or foreign hashes need a rehash; current ones do not', async (t) => {
  t.false(needsRehash(await argon2Hasher.hash('x'.repeat(20))));
  const weaker = await argon2.hash('x'.repeat(20), { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
  t.true(needsRehash(weaker));
  const argon2i = await argon2.hash('x'.repeat(20), { type: argon2.argon2i, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  t.true(needsRehash(argon2i));
  t.true(needsRehash('$2b$12$abcdefghijklmnopqrstuu'));
});

test('a malformed stored hash fails verification instead of throwing', async (t) => {
  t.false(await argon2Hasher.verify('not a hash', 'whatever'));
});
