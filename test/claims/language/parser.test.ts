import test from 'ava';
import { parseProgram, print } from '../../../src/claims/language/index.ts';
import { parseError } from './helpers.ts';

test('parses the examples of the specification', (t) => {
  const examples = [
    'email := v | first | email',
    'name := v | last_first | collapse',
    'groups := v | each(dn_cn) | unique',
    'phone_number := v | first | phone',
    'birthdate := v | date',
    'address := v | address',
    'address.country := v | country',
    'email_verified := v | bool',
    'drop',
  ];
  for (const example of examples) {
    const parsed = parseProgram(example);
    t.true(parsed.ok, example);
    if (parsed.ok) t.is(print(parsed.program), example);
  }
});

test('builds the typed tree', (t) => {
  const parsed = parseProgram('roles := v | each(split(",")) | nth(2) | phone("GB")');
  t.deepEqual(parsed, {
    ok: true,
    program: {
      kind: 'map',
      target: 'roles',
      pipeline: [
        { name: 'each', args: [{ kind: 'call', call: { name: 'split', args: [{ kind: 'string', value: ',' }] } }] },
        { name: 'nth', args: [{ kind: 'int', value: 2 }] },
        { name: 'phone', args: [{ kind: 'string', value: 'GB' }] },
      ],
    },
  });
});

test('whitespace and line breaks between tokens do not matter; print gives one canonical form', (t) => {
  const parsed = parseProgram('  groups:=v|each( dn_cn )\n  |  unique  ');
  t.true(parsed.ok);
  if (parsed.ok) t.is(print(parsed.program), 'groups := v | each(dn_cn) | unique');
});

test('string escapes round-trip', (t) => {
  const parsed = parseProgram('name := v | replace("\\"\\\\", "\\n\\t\\r") | split("$")');
  t.true(parsed.ok);
  if (!parsed.ok) return;
  const call = parsed.program.kind === 'map' ? parsed.program.pipeline[0] : undefined;
  t.deepEqual(call?.args, [
    { kind: 'string', value: '"\\' },
    { kind: 'string', value: '\n\t\r' },
  ]);
  t.deepEqual(parseProgram(print(parsed.program)), parsed);
});

test('unknown functions and targets get a suggestion with a position', (t) => {
  t.is(parseError('phone_number := v | phnoe'), '1:21: unknown function "phnoe" (did you mean "phone"?)');
  t.is(parseError('email := v | phnoe'), '1:14: unknown function "phnoe" (did you mean "phone"?)');
  t.is(parseError('emial := v | email'), '1:1: unknown target "emial" (did you mean "email"?)');
  t.is(parseError('groups := v |\n  each(dn_nc)'), '2:8: unknown function "dn_nc" (did you mean "dn_cn"?)');
  t.is(parseError('email := v | frobnicate'), '1:14: unknown function "frobnicate"');
});

test('sub and protocol claims are never targets', (t) => {
  t.is(parseError('sub := v'), '1:1: unknown target "sub": sub is never a mapping target');
  t.is(parseError('sub := v | trim'), '1:1: unknown target "sub": sub is never a mapping target');
  t.regex(parseError('iss := v') ?? '', /^1:1: unknown target "iss": iss is set by Warden/u);
  t.regex(parseError('SUB := v') ?? '', /^1:1: unknown target "SUB"/u);
});

test('arity and argument kinds are checked', (t) => {
  t.is(parseError('groups := v | split'), '1:15: "split" takes 1 argument (separator), got 0');
  t.is(parseError('name := v | trim(",")'), '1:18: too many arguments: "trim" takes no arguments');
  t.is(parseError('name := v | replace(",")'), '1:20: "replace" takes 2 arguments (from, to), got 1');
  t.is(parseError('groups := v | split(1)'), '1:21: "split" expects a string as its separator, found an integer 1');
  t.is(parseError('groups := v | nth("1")'), '1:19: "nth" expects an integer as its index, found a string "1"');
  t.is(parseError('name := v | trim()'), '1:18: empty argument list: write "trim" without parentheses');
  t.is(parseError('phone_number := v | phone("XX")'), '1:27: phone: unknown region "XX": expected an ISO 3166 alpha-2 code such as "US" (did you mean "AX"?)');
  t.is(parseError('phone_number := v | phone("us")'), '1:27: phone: unknown region "us": expected an ISO 3166 alpha-2 code such as "US" (did you mean "US"?)');
  t.is(parseError('address.locality := v | dn_attr("C N")'), '1:33: dn_attr: "C N" is not an LDAP attribute type');
});

test('each takes exactly one element-wise function', (t) => {
  t.is(parseError('groups := v | each("x")'), '1:20: "each" expects a function as its function, found a string "x"');
  t.is(parseError('groups := v | each(each(dn_cn))'), '1:20: "each" cannot be nested inside itself');
  t.is(parseError('groups := v | each(first)'), '1:20: "first" works on a whole list and cannot be used inside each(...)');
  t.is(parseError('groups := v | each(dn_cn, trim)'), '1:27: too many arguments: "each" takes 1 argument (function)');
  t.is(parseError('groups := v | trim(dn_cn)'), '1:20: too many arguments: "trim" takes no arguments');
});

test('structural errors say what was expected', (t) => {
  t.is(parseError(''), '1:1: expected a target or "drop", found the end of the program');
  t.is(parseError('email'), '1:6: expected ":=" after the target "email", found the end of the program');
  t.is(parseError('email = v'), '1:7: expected ":=" but found "="');
  t.is(parseError('email : v'), '1:7: expected ":=" but found ":"');
  t.is(parseError('email := x'), '1:10: expected "v" (the attribute value) after ":=", found a name x');
  t.is(parseError('email := v |'), '1:13: expected a function name, found the end of the program');
  t.is(parseError('email := v email'), '1:12: expected "|" or the end of the program, found a name email');
  t.is(parseError('email := v | drop'), '1:14: "drop" is a whole program, not a function: write just "drop"');
  t.is(parseError('drop | trim'), '1:6: expected the end of the program after "drop", found "|"');
  t.is(parseError('groups := v | split(","'), '1:24: expected "," or ")" in the arguments of "split", found the end of the program');
  t.is(parseError('groups := v | split(",)'), '1:21: unterminated string literal');
  t.is(parseError('groups := v | split("\\x")'), '1:22: unknown escape "\\x" in a string (use \\", \\\\, \\n, \\r or \\t)');
  t.is(parseError('groups := v | nth(1234567890)'), '1:19: integer literal too long (at most 9 digits)');
  t.is(parseError('groups := v | nth(10000)'), '1:19: nth: index must be at most 9999');
  t.is(parseError('groups := v # comment'), '1:13: unexpected character "#"');
  t.regex(parseError(`name := v${' | trim'.repeat(1000)}`) ?? '', /^1:1: program too long/u);
});
