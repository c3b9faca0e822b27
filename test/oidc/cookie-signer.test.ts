import test from 'ava';
import { createHmac } from 'node:crypto';
import { CookieSigner } from '../../src/oidc/cookie-signer.ts';

// What keygrip (koa's and oidc-provider's default) writes: HMAC-SHA1 under the key string, base64,
// with '/' -> '_', '+' -> '-' and the padding dropped.
function keygripSignature(key: string, data: string): string {
  return createHmac('sha1', key).update(data).digest('base64').replace(/\/|\+|=/g, (x) => ({ '/': '_', '+': '-', '=': '' })[x] ?? '');
}

const newest = 'newest-cookie-key-0123456789abcdefghijklmnopq';
const older = 'older-cookie-key-zyxwvutsrqponmlkjihgfedcba98';

test('signs exactly as keygrip did, so cookies signed before the change still verify', (t) => {
  const signer = new CookieSigner([newest, older]);
  for (let i = 0; i < 200; i += 1) {
    const data = `_session=${'x'.repeat(i)}${i}`;
    t.is(signer.sign(data), keygripSignature(newest, data));
    t.is(signer.index(data, keygripSignature(older, data)), 1, 'a key being rotated out still verifies');
  }
});

test('refuses a signature under another key, for other data, or in another spelling', (t) => {
  const signer = new CookieSigner([newest, older]);
  const data = '_interaction=abc';
  const good = signer.sign(data);
  t.true(signer.verify(data, good));
  t.is(signer.index(data, keygripSignature('some-other-key', data)), -1);
  t.false(signer.verify('_interaction=abd', good));
  t.false(signer.verify(data, ''));
  t.false(signer.verify(data, `${good}=`), 'padding is not the form sign() writes');
  t.false(signer.verify(data, `${good.slice(0, 10)}.${good.slice(10)}`), 'characters base64url skips are not ignored');
  t.false(signer.verify(data, Buffer.from(good, 'base64url').toString('base64')), 'standard base64 differs where the digest has + or /');
  t.false(signer.verify(data, good.slice(0, -1)));
});

test('needs a key', (t) => {
  t.throws(() => new CookieSigner([]), { message: /at least one key/ });
});
