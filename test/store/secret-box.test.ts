import test from 'ava';
import { randomBytes } from 'node:crypto';
import { open, openText, seal, SecretBoxError } from '../../src/store/secret-box.ts';

const key = randomBytes(32);

test('seal then open returns the plaintext, for text and bytes', (t) => {
  t.is(openText(key, seal(key, 'héllo wörld', 'ctx'), 'ctx'), 'héllo wörld');
  const bytes = randomBytes(100);
  t.deepEqual(open(key, seal(key, bytes, 'ctx'), 'ctx'), bytes);
  t.is(openText(key, seal(key, '', 'ctx'), 'ctx'), '');
});

test('the envelope is versioned text and never repeats for the same input', (t) => {
  const a = seal(key, 'secret', 'ctx');
  const b = seal(key, 'secret', 'ctx');
  t.regex(a, /^wsb1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  t.not(a, b);
  t.false(a.includes('secret'));
});

function flipByte(sealed: string, part: number, index = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[index] = bytes[index]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

test('any altered byte of nonce, ciphertext or tag fails authentication', (t) => {
  const sealed = seal(key, 'a private key', 'SigningKey:k1');
  for (const part of [2, 3, 4]) {
    const error = t.throws(() => open(key, flipByte(sealed, part), 'SigningKey:k1'), { instanceOf: SecretBoxError });
    t.regex(error.message, /failed authentication/);
  }
});

test('an envelope moved to another context (aad) does not open', (t) => {
  const sealed = seal(key, 'a private key', 'SigningKey:k1');
  t.throws(() => open(key, sealed, 'SigningKey:k2'), { message: /failed authentication/ });
});

test('a different master key is named as such', (t) => {
  const sealed = seal(key, 'x', 'ctx');
  t.throws(() => open(randomBytes(32), sealed, 'ctx'), { message: /different master key/ });
});

test('malformed envelopes get clear errors', (t) => {
  const sealed = seal(key, 'x', 'ctx');
  t.throws(() => open(key, 'plain text', 'ctx'), { message: /not a sealed secret/ });
  t.throws(() => open(key, sealed.replace(/^wsb1/, 'wsb2'), 'ctx'), { message: /not a sealed secret/ });
  t.throws(() => open(key, `${sealed}.extra`, 'ctx'), { message: /not a sealed secret/ });
  const parts = sealed.split('.');
  t.throws(() => open(key, [...parts.slice(0, 3), `${parts[3]}!`, parts[4]].join('.'), 'ctx'), { message: /malformed/ });
  t.throws(() => open(key, [...parts.slice(0, 4), parts[4]!.slice(0, 10)].join('.'), 'ctx'), { message: /malformed/ });
  t.throws(() => seal(randomBytes(16), 'x', 'ctx'), { message: /32 bytes/ });
});
