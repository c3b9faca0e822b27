import test from 'ava';
import {
  checkPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_PASSWORD_ONLY,
  PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
} from '../../src/accounts/password-policy.ts';

const passwordOnly = { hasSecondFactor: false };
const withTotp = { hasSecondFactor: true };

test('password-only accounts need 15 characters, accounts with a second factor 8', (t) => {
  t.is(PASSWORD_MIN_LENGTH_PASSWORD_ONLY, 15);
  t.is(PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR, 8);
  t.like(checkPassword('violet-tuba-19', passwordOnly), { ok: false, problem: 'too_short' });
  t.like(checkPassword('violet-tuba-193', passwordOnly), { ok: true });
  t.like(checkPassword('vio-tub', withTotp), { ok: false, problem: 'too_short' });
  t.like(checkPassword('vio-tuba', withTotp), { ok: true });
});

test('length counts characters, not UTF-16 units or bytes', (t) => {
  // 15 emoji are 30 UTF-16 units; 14 are too short however many bytes they take.
  t.like(checkPassword('🦊🐙🦉🐢🦔🐳🦋🐌🦀🐝🦎🐬🦜🐞🦩'.slice(0, 28), passwordOnly), { ok: false, problem: 'too_short' });
  t.like(checkPassword('🦊🐙🦉🐢🦔🐳🦋🐌🦀🐝🦎🐬🦜🐞🦩', passwordOnly), { ok: true });
});

test('at least 64 characters are allowed, and anything up to 1024', (t) => {
  t.like(checkPassword('x7'.repeat(16) + 'long passphrase with spaces in it', passwordOnly), { ok: true });
  const long = Array.from({ length: PASSWORD_MAX_LENGTH }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('');
  t.like(checkPassword(long, passwordOnly), { ok: true });
  t.like(checkPassword(`${long}z`, passwordOnly), { ok: false, problem: 'too_long' });
});

test('no composition rules: lower-case words alone are fine', (t) => {
  t.like(checkPassword('correct horse battery staple', passwordOnly), { ok: true });
  t.like(checkPassword('abcdefghjkmnpqrs', passwordOnly), { ok: true });
});

test('common and breached passwords are refused, whatever their case', (t) => {
  t.like(checkPassword('password', withTotp), { ok: false, problem: 'common' });
  t.like(checkPassword('Password', withTotp), { ok: false, problem: 'common' });
  t.like(checkPassword('qwertyuiop', withTotp), { ok: false, problem: 'common' });
  t.like(checkPassword('1qaz2wsx', withTotp), { ok: false, problem: 'common' });
  t.like(checkPassword('trustno1', withTotp), { ok: false, problem: 'common' });
});

test('repeated patterns and passwords built from the email address are refused', (t) => {
  t.like(checkPassword('aaaaaaaaaaaaaaaa', passwordOnly), { ok: false, problem: 'repetitive' });
  t.like(checkPassword('abcabcabcabcabcabc', passwordOnly), { ok: false, problem: 'repetitive' });
  t.like(checkPassword('alice.smith@example.org', { ...passwordOnly, identifiers: ['alice.smith@example.org'] }), {
    ok: false,
    problem: 'contains_identifier',
  });
  t.like(checkPassword('alice.smith2024!', { ...passwordOnly, identifiers: ['alice.smith@example.org'] }), {
    ok: false,
    problem: 'contains_identifier',
  });
  t.like(checkPassword('alice.smith keeps seven goats', { ...passwordOnly, identifiers: ['alice.smith@example.org'] }), {
    ok: true,
  });
});

test('every refusal explains itself in a sentence', (t) => {
  const verdict = checkPassword('short', passwordOnly);
  t.false(verdict.ok);
  if (!verdict.ok) t.regex(verdict.message, /at least 15 characters/);
});

test('a NUL character is refused, wherever it is, with a message saying so', (t) => {
  for (const password of ['a long enough passphrase\u0000', '\u0000a long enough passphrase', 'a long enough\u0000passphrase']) {
    const verdict = checkPassword(password, passwordOnly);
    t.false(verdict.ok, JSON.stringify(password));
    if (!verdict.ok) {
      t.is(verdict.problem, 'contains_nul');
      t.regex(verdict.message, /NUL/);
    }
  }
  t.true(checkPassword('a long enough passphrase\twith a tab', passwordOnly).ok, 'other characters stay allowed');
});
