import test from 'ava';
import { canonicalJson } from '../../src/audit/index.ts';

test('keys are sorted at every depth and whitespace is absent', (t) => {
  t.is(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
});

test('undefined members are left out; null, booleans and strings are JSON', (t) => {
  t.is(canonicalJson({ a: undefined, b: null, c: true, d: 'é"\n' }), '{"b":null,"c":true,"d":"é\\"\\n"}');
});

test('the same value in any key order gives the same text', (t) => {
  t.is(canonicalJson({ x: 1, y: [1, 2] }), canonicalJson({ y: [1, 2], x: 1 }));
});

test('non-finite numbers are refused', (t) => {
  t.throws(() => canonicalJson({ n: Number.NaN }), { message: /NaN or Infinity/ });
  t.throws(() => canonicalJson([Number.POSITIVE_INFINITY]), { message: /NaN or Infinity/ });
});
