import iso3166 from '../data/iso3166-1.json' with { type: 'json' };
import aliasData from '../data/country-aliases.json' with { type: 'json' };
import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import type { ItemFunction } from './types.ts';

/** Languages whose country names appear in directories often enough to be worth recognising. */
const NAME_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'da', 'nb', 'fi', 'pl', 'cs', 'ru', 'ja', 'zh', 'ko'];

const alpha2Set: ReadonlySet<string> = new Set([...iso3166.countries.map((c) => c.alpha2), 'XK']);
const byAlpha3 = new Map(iso3166.countries.map((c) => [c.alpha3, c.alpha2]));
const byNumeric = new Map(iso3166.countries.map((c) => [Number(c.numeric), c.alpha2]));
let byName: Map<string, string> | undefined;

/** Case, accents, punctuation and a leading article do not distinguish country names. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'’]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /u, '');
}

function names(): Map<string, string> {
  if (byName) return byName;
  const map = new Map<string, string>();
  const add = (name: string | undefined, code: string) => {
    if (name === undefined) return;
    const key = nameKey(name);
    if (key !== '' && !map.has(key)) map.set(key, code);
  };
  for (const country of iso3166.countries) for (const name of country.names) add(name, country.alpha2);
  for (const [alias, code] of Object.entries(aliasData.aliases)) add(alias, code);
  for (const language of NAME_LANGUAGES) {
    const display = new Intl.DisplayNames(language, { type: 'region', fallback: 'none' });
    for (const code of alpha2Set) add(display.of(code), code);
  }
  byName = map;
  return map;
}

/** ISO 3166-1 alpha-2 for a code (alpha-2, alpha-3, numeric) or a country name; undefined when unknown. */
export function lookupCountry(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 80) return undefined;
  const upper = trimmed.toUpperCase();
  if (/^[A-Z]{2}$/u.test(upper)) {
    if (alpha2Set.has(upper)) return upper;
    if (upper === 'UK') return 'GB';
  }
  if (/^[A-Z]{3}$/u.test(upper) && byAlpha3.has(upper)) return byAlpha3.get(upper);
  if (/^\d{1,3}$/u.test(trimmed)) return byNumeric.get(Number(trimmed));
  return names().get(nameKey(trimmed));
}

function toCountry(item: Item): Outcome {
  if (typeof item === 'boolean') return absent('country: a boolean is not a country');
  const text = typeof item === 'object' ? (item.country ?? '') : itemText(item);
  const code = lookupCountry(text);
  return code === undefined ? absent('country: not a known country name or ISO 3166 code') : present(code);
}

export const COUNTRY_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'country',
    family: 'country',
    summary: 'country names (many languages), ISO alpha-3 and numeric codes -> ISO 3166-1 alpha-2',
    params: [],
    result: 'text',
    shape: 'item',
    apply: toCountry,
  },
];
