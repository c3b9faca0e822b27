import test from 'ava';
import { reasonOf, valueOf } from './helpers.ts';

test('text functions', (t) => {
  t.is(valueOf('nickname := v | trim', '  jd  '), 'jd');
  t.is(valueOf('nickname := v | collapse', ' J\u00a0 D\t\n x '), 'J D x');
  t.is(valueOf('nickname := v | collapse', 'Cafe\u0301'), 'Café', 'NFC');
  t.is(valueOf('nickname := v | upper', 'straße'), 'STRASSE');
  t.is(valueOf('nickname := v | lower', 'ÉCOLE'), 'école');
  t.is(valueOf('preferred_username := v | strip_prefix("uid=")', 'UID=jdoe'), 'jdoe');
  t.is(valueOf('preferred_username := v | strip_prefix("uid=")', 'jdoe'), 'jdoe');
  t.is(valueOf('preferred_username := v | strip_suffix("@corp.example.com")', 'jdoe@CORP.example.com'), 'jdoe');
  t.is(valueOf('nickname := v | replace("_", " ")', 'john_q_public'), 'john q public');
  t.is(valueOf('nickname := v | replace("", "x")', 'abc'), 'abc', 'an empty pattern replaces nothing');
  t.is(reasonOf('nickname := v | strip_prefix("jdoe")', 'jdoe'), 'strip_prefix: the result is empty');
  t.is(valueOf('nickname := v | trim', 42), '42', 'numbers are text to text functions');
});

test('multi-valued functions', (t) => {
  const values = ['b', 'a', 'b', 'c'];
  t.is(valueOf('nickname := v | first', values), 'b');
  t.is(valueOf('nickname := v | last', values), 'c');
  t.is(valueOf('nickname := v | nth(2)', values), 'b');
  t.is(reasonOf('nickname := v | nth(9)', values), 'nth: no element 9');
  t.is(valueOf('nickname := v | nth(0)', 'only'), 'only', 'a single value is element 0');
  t.deepEqual(valueOf('groups := v | unique', values), ['b', 'a', 'c']);
  t.is(valueOf('nickname := v | join("-")', values), 'b-a-b-c');
  t.is(valueOf('address.formatted := v | split("$") | join("\\n")', '1 Main St$Springfield'), '1 Main St\nSpringfield');
  t.is(valueOf('nickname := v | trim', ['  first ', 'second']), 'first', 'item functions see the first element');
  t.deepEqual(valueOf('groups := v | each(upper)', ['a', 'b']), ['A', 'B']);
  t.deepEqual(valueOf('groups := v | each(split("|"))', ['a|b', 'c']), ['a', 'b', 'c'], 'lists made inside each are flattened');
  t.is(reasonOf('groups := v | split(",")', ' , ,'), 'split: nothing left after splitting');
  t.is(reasonOf('nickname := v', ['a', 'b']), 'nickname takes a single value but the program produced 2');
});
