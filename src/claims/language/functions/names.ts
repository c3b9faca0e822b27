import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import { collapseWhitespace } from './text.ts';
import type { ItemFunction } from './types.ts';

const HONORIFICS = /^(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|herr|frau|mme|mlle|m)\.?$/iu;
const SUFFIXES = /^(?:jr|sr|ii|iii|iv|v|phd|md|esq|dds)\.?$/iu;
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'dos', 'das', 'ter', 'ten', 'bin', 'ibn', 'al', 'el', 'st', 'st.']);

/** `Last, First [Middle]` and `Last, Suffix, First` -> `First [Middle] Last [Suffix]`; anything else unchanged. */
export function lastFirst(text: string): string {
  const parts = collapseWhitespace(text).split(',').map((part) => part.trim());
  if (parts.length === 2 && parts[0] && parts[1]) {
    const [family, given] = parts;
    if (SUFFIXES.test(given)) return `${family} ${given}`;
    return `${given} ${family}`;
  }
  if (parts.length === 3 && parts.every((part) => part !== '')) {
    const [family, second, third] = parts as [string, string, string];
    if (SUFFIXES.test(third)) return `${second} ${family} ${third}`;
    if (SUFFIXES.test(second)) return `${third} ${family} ${second}`;
  }
  return collapseWhitespace(text);
}

interface NameParts {
  readonly given: string | undefined;
  readonly middle: string | undefined;
  readonly family: string | undefined;
}

/**
 * Splits a personal name written in Western order. Honorifics and generational suffixes are not part of
 * either name; family-name particles (`van`, `de la`) stay with the family name.
 */
export function splitName(text: string): NameParts {
  const ordered = lastFirst(text);
  const words = ordered.split(' ').filter((word) => word !== '');
  while (words.length > 1 && HONORIFICS.test(words[0] ?? '')) words.shift();
  while (words.length > 1 && SUFFIXES.test((words[words.length - 1] ?? '').replace(/,$/u, ''))) words.pop();
  if (words.length === 0) return { given: undefined, middle: undefined, family: undefined };
  if (words.length === 1) return { given: words[0], middle: undefined, family: undefined };
  let familyStart = words.length - 1;
  while (familyStart > 1 && PARTICLES.has((words[familyStart - 1] ?? '').toLowerCase())) familyStart -= 1;
  const middle = words.slice(1, familyStart).join(' ');
  return { given: words[0], middle: middle === '' ? undefined : middle, family: words.slice(familyStart).join(' ') };
}

function namePart(part: keyof NameParts) {
  return (item: Item): Outcome => {
    if (typeof item !== 'string') return absent(`${part}: expects a name as text`);
    const value = splitName(item)[part];
    return value === undefined ? absent(`${part}: the name has no ${part} part`) : present(value);
  };
}

const GENDER_WORDS: ReadonlyMap<string, string> = new Map([
  ['m', 'male'], ['male', 'male'], ['man', 'male'], ['masculine', 'male'], ['männlich', 'male'], ['mannlich', 'male'],
  ['maennlich', 'male'], ['homme', 'male'], ['masculin', 'male'], ['masculino', 'male'], ['h', 'male'], ['mr', 'male'],
  ['f', 'female'], ['female', 'female'], ['woman', 'female'], ['feminine', 'female'], ['w', 'female'], ['weiblich', 'female'],
  ['femme', 'female'], ['féminin', 'female'], ['feminin', 'female'], ['femenino', 'female'], ['feminino', 'female'],
  ['mrs', 'female'], ['ms', 'female'], ['d', 'diverse'], ['divers', 'diverse'], ['x', 'other'], ['nb', 'non-binary'],
]);

/** ISO/IEC 5218: 1 male, 2 female; 0 (not known) and 9 (not applicable) are no value. */
function toGender(item: Item): Outcome {
  if (typeof item === 'boolean' || typeof item === 'object') return absent('gender: expects text or an ISO 5218 code');
  const word = collapseWhitespace(itemText(item)).toLowerCase().replace(/\.$/u, '');
  if (word === '1') return present('male');
  if (word === '2') return present('female');
  if (/^\d+$/u.test(word)) return absent('gender: an ISO 5218 code that carries no gender');
  if (word === '' || word.length > 64) return absent('gender: not a gender');
  return present(GENDER_WORDS.get(word) ?? word);
}

export const NAME_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'last_first',
    family: 'names',
    summary: '"Last, First [Middle]" -> "First [Middle] Last"; no comma -> unchanged',
    params: [],
    result: 'text',
    shape: 'item',
    apply: (item) => {
      if (typeof item !== 'string') return absent('last_first: expects a name as text');
      const out = lastFirst(item);
      return out === '' ? absent('last_first: the name is empty') : present(out);
    },
  },
  { name: 'given', family: 'names', summary: 'given (first) name of a full name', params: [], result: 'text', shape: 'item', apply: namePart('given') },
  { name: 'middle', family: 'names', summary: 'middle name(s) of a full name', params: [], result: 'text', shape: 'item', apply: namePart('middle') },
  { name: 'family', family: 'names', summary: 'family name of a full name, particles included (van Beethoven)', params: [], result: 'text', shape: 'item', apply: namePart('family') },
  {
    name: 'gender',
    family: 'names',
    summary: 'M/F/male/female/w/ISO 5218 codes -> male/female; other text kept lower-case',
    params: [],
    result: 'text',
    shape: 'item',
    apply: toGender,
  },
];
