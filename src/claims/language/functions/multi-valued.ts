import { absent, firstItem, isList, itemText, present } from '../values.ts';
import type { Item, Outcome, Value } from '../values.ts';
import { SPLIT_SEPARATORS } from './text.ts';
import { intArg, stringArg, type ArgValue, type FunctionSpec } from './types.ts';

const JOINERS = [' ', ', ', ',', ';', '\n', '-', '_'] as const;

function asList(value: Value): readonly Item[] {
  return isList(value) ? value : [value];
}

function itemKey(item: Item): string {
  return typeof item === 'object' ? JSON.stringify(item) : `${typeof item}:${String(item)}`;
}

function splitText(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function runEach(value: Value, args: readonly ArgValue[]): Outcome {
  const runner = args[0];
  if (typeof runner !== 'function') return absent('each: missing function');
  const out: Item[] = [];
  const reasons = new Set<string>();
  for (const item of asList(value)) {
    const result = runner(item);
    if (!result.ok) {
      reasons.add(result.reason);
      continue;
    }
    out.push(...asList(result.value));
  }
  if (out.length === 0) return absent(`each: no element produced a value (${[...reasons].slice(0, 3).join('; ')})`);
  return present(out);
}

export const MULTI_VALUED_FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'first',
    family: 'multi-valued',
    summary: 'first element of a multi-valued attribute (a single value passes through)',
    params: [],
    result: 'same',
    shape: 'list',
    apply: (value) => {
      const item = firstItem(value);
      return item === undefined ? absent('first: no elements') : present(item);
    },
  },
  {
    name: 'last',
    family: 'multi-valued',
    summary: 'last element of a multi-valued attribute (a single value passes through)',
    params: [],
    result: 'same',
    shape: 'list',
    apply: (value) => {
      const items = asList(value);
      const item = items[items.length - 1];
      return item === undefined ? absent('last: no elements') : present(item);
    },
  },
  {
    name: 'nth',
    family: 'multi-valued',
    summary: 'element i, counted from 0',
    params: [{ name: 'index', kind: 'int', literals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], free: true, min: 0, max: 9999 }],
    result: 'same',
    shape: 'list',
    apply: (value, args) => {
      const index = intArg(args, 0);
      const item = asList(value)[index];
      return item === undefined ? absent(`nth: no element ${index}`) : present(item);
    },
  },
  {
    name: 'each',
    family: 'multi-valued',
    summary: 'apply a function to every element, dropping elements it yields nothing for',
    params: [{ name: 'function', kind: 'call', free: true }],
    result: 'list',
    shape: 'list',
    apply: runEach,
  },
  {
    name: 'unique',
    family: 'multi-valued',
    summary: 'remove duplicate elements, keeping the first occurrence',
    params: [],
    result: 'same',
    shape: 'list',
    apply: (value) => {
      if (!isList(value)) return present(value);
      const seen = new Set<string>();
      return present(value.filter((item) => {
        const key = itemKey(item);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }));
    },
  },
  {
    name: 'split',
    family: 'multi-valued',
    summary: 'split text on a separator into a list; items trimmed, empty items removed',
    params: [{ name: 'separator', kind: 'string', literals: SPLIT_SEPARATORS, free: true }],
    result: 'list',
    shape: 'item',
    apply: (item, args) => {
      const separator = stringArg(args, 0);
      if (separator === '') return absent('split: empty separator');
      const parts = splitText(itemText(item), separator);
      return parts.length === 0 ? absent('split: nothing left after splitting') : present(parts);
    },
  },
  {
    name: 'join',
    family: 'multi-valued',
    summary: 'join the elements of a list into text',
    params: [{ name: 'separator', kind: 'string', literals: JOINERS, free: true }],
    result: 'text',
    shape: 'list',
    apply: (value, args) => {
      const parts = asList(value).map(itemText).filter((part) => part !== '');
      return parts.length === 0 ? absent('join: no elements') : present(parts.join(stringArg(args, 0)));
    },
  },
];
