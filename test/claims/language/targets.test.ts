import test from 'ava';
import { checkTarget, parseProgram, runProgram, warmUpLanguage } from '../../../src/claims/language/index.ts';
import { reasonOf, run, valueOf } from './helpers.ts';

test('drop yields no claim and no reason', (t) => {
  const parsed = parseProgram('drop');
  t.true(parsed.ok);
  if (parsed.ok) t.deepEqual(runProgram(parsed.program, 'anything'), { drop: true });
});

test('a successful run names the target and the checked value', (t) => {
  t.deepEqual(run('email := v | first | email', ['Jane@Example.org']), { ok: true, claim: 'email', value: 'jane@example.org' });
  t.deepEqual(run('address.locality := v | collapse', '  New   York '), { ok: true, claim: 'address.locality', value: 'New York' });
});

test('a value that fails its target check yields a reason, never a trimmed or partial value', (t) => {
  t.is(reasonOf('email := v', 'not-an-email'), 'email must be a valid email address');
  t.is(reasonOf('email := v', ' jane@example.org'), 'email must be a valid email address');
  t.is(reasonOf('phone_number := v', '555-0132'), 'phone_number must be an E.164 number');
  t.is(reasonOf('birthdate := v', '15.04.1985'), 'birthdate must be YYYY-MM-DD, YYYY or 0000-MM-DD');
  t.is(reasonOf('updated_at := v', '1704067200'), 'updated_at must be a non-negative integer');
  t.is(reasonOf('email_verified := v', 'yes'), 'email_verified must be a boolean (use bool)');
  t.is(reasonOf('locale := v', 'en_US'), 'locale must be a BCP 47 language tag');
  t.is(reasonOf('zoneinfo := v', 'CET+1'), 'zoneinfo must be an IANA time zone name');
  t.is(reasonOf('website := v', 'ftp://example.com'), 'website must be an absolute http(s) URL');
  t.is(reasonOf('address := v', '1 Main St'), 'address must be an address object (use the address function)');
  t.is(reasonOf('name := v', ['Jane', 'John']), 'name takes a single value but the program produced 2');
  t.is(reasonOf('name := v', 'x'.repeat(1025)), 'name is longer than 1024 characters');
  t.is(reasonOf('name := v', 'Jane\nDoe'), 'name contains control characters');
  t.is(reasonOf('name := v', true), 'name must be text');
  t.regex(reasonOf('groups := v', ['ok', true]) ?? '', /^groups: every element must be non-empty text/u);
  t.is(valueOf('address.street_address := v', '1 Main St\nFlat 2'), '1 Main St\nFlat 2');
});

test('accepted forms of the checked targets', (t) => {
  t.deepEqual(checkTarget('birthdate', '0000-04-15'), { ok: true, value: '0000-04-15' });
  t.deepEqual(checkTarget('birthdate', '1985'), { ok: true, value: '1985' });
  t.false(checkTarget('birthdate', '1985-13-01').ok);
  t.deepEqual(checkTarget('phone_number', '+14155550132;ext=12'), { ok: true, value: '+14155550132;ext=12' });
  t.deepEqual(checkTarget('locale', 'zh-Hant-TW'), { ok: true, value: 'zh-Hant-TW' });
  t.deepEqual(checkTarget('zoneinfo', 'UTC'), { ok: true, value: 'UTC' });
  t.deepEqual(checkTarget('roles', 'admin'), { ok: true, value: ['admin'] });
  t.deepEqual(checkTarget('name', ['Jane']), { ok: true, value: 'Jane' });
  t.deepEqual(checkTarget('address.postal_code', 75001), { ok: true, value: '75001' });
  t.false(checkTarget('updated_at', 1.5).ok);
  t.false(checkTarget('address', { formatted: '' }).ok);
});

test('a tree built outside the parser still cannot target sub', (t) => {
  const forged = JSON.parse('{"kind":"map","target":"sub","pipeline":[]}') as Parameters<typeof runProgram>[0];
  t.deepEqual(runProgram(forged, 'attacker'), { ok: false, reason: '"sub" is not a mapping target' });
  const unknown = JSON.parse('{"kind":"map","target":"email","pipeline":[{"name":"eval","args":[]}]}') as Parameters<typeof runProgram>[0];
  t.deepEqual(runProgram(unknown, 'a@example.com'), { ok: false, reason: 'unknown function "eval"' });
});

test('the interpreter never throws, even on hostile input', (t) => {
  const parsed = parseProgram('address := v | address');
  if (!parsed.ok) return t.fail();
  const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
  t.notThrows(() => runProgram(parsed.program, hostile));
  t.false((runProgram(parsed.program, hostile) as { ok: boolean }).ok);
  const circular: unknown[] = [];
  circular.push(circular);
  t.notThrows(() => runProgram(parsed.program, circular));
});

test('warming up builds the lazy name tables without side effects on results', (t) => {
  t.notThrows(() => warmUpLanguage());
  t.is(valueOf('address.country := v | country', 'Allemagne'), 'DE');
});
