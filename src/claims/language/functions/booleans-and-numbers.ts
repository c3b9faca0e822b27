import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import type { ItemFunction } from './types.ts';

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'on', 'verified', 'enabled', 'checked', 'ja', 'oui', 'si', 'sí']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', 'off', 'unverified', 'not verified', 'disabled', 'unchecked', 'nein', 'non']);

export function toBoolean(item: Item): boolean | undefined {
  if (typeof item === 'boolean') return item;
  if (typeof item === 'number') return Number.isFinite(item) ? item !== 0 : undefined;
  const word = itemText(item).trim().toLowerCase().replace(/\s+/gu, ' ');
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  if (/^-?\d+(?:\.\d+)?$/u.test(word)) return Number(word) !== 0;
  return undefined;
}

function toInteger(item: Item): Outcome {
  if (typeof item === 'number') {
    return Number.isSafeInteger(item) ? present(item) : absent('int: not a whole number in the safe range');
  }
  const text = itemText(item).trim();
  const match = /^([+-]?\d+)(?:\.0+)?$/u.exec(text);
  if (!match?.[1]) return absent('int: not a whole number');
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? present(value) : absent('int: not a whole number in the safe range');
}

export const BOOLEAN_AND_NUMBER_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'bool',
    family: 'booleans',
    summary: 'true/false, yes/no, y/n, 1/0, on/off, verified/unverified, enabled/disabled, numbers -> boolean',
    params: [],
    result: 'boolean',
    shape: 'item',
    apply: (item) => {
      const value = toBoolean(item);
      return value === undefined ? absent('bool: not a recognised truth value') : present(value);
    },
  },
  {
    name: 'not',
    family: 'booleans',
    summary: 'the negation of bool, for inverted flags (emailUnverified)',
    params: [],
    result: 'boolean',
    shape: 'item',
    apply: (item) => {
      const value = toBoolean(item);
      return value === undefined ? absent('not: not a recognised truth value') : present(!value);
    },
  },
  {
    name: 'int',
    family: 'numbers',
    summary: 'a whole number from a string or number',
    params: [],
    result: 'integer',
    shape: 'item',
    apply: toInteger,
  },
];
