import windowsZones from '../data/windows-zones.json' with { type: 'json' };
import { absent, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import { lookupCountry } from './country.ts';
import type { ItemFunction } from './types.ts';

const englishLanguages = new Intl.DisplayNames('en', { type: 'language', fallback: 'none' });
let languageByName: Map<string, string> | undefined;

/** English and native names of every two-letter language ICU knows, generated rather than tabulated. */
function languageNames(): Map<string, string> {
  if (languageByName) return languageByName;
  const map = new Map<string, string>();
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b;
      const english = englishLanguages.of(code);
      if (english === undefined || english === code) continue;
      map.set(english.toLowerCase(), code);
      const native = new Intl.DisplayNames(code, { type: 'language', fallback: 'none' }).of(code);
      if (native !== undefined && !map.has(native.toLowerCase())) map.set(native.toLowerCase(), code);
    }
  }
  languageByName = map;
  return map;
}

function knownLanguage(tag: string): boolean {
  const language = tag.split('-')[0] ?? '';
  const name = englishLanguages.of(language);
  return name !== undefined && name !== language;
}

function canonicalTag(tag: string): string | undefined {
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/u.test(tag)) return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical !== undefined && knownLanguage(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `en_GB.UTF-8`, `de-de`, `English`, `Deutsch`, `English (United Kingdom)` -> BCP 47. An Accept-Language
 * list (`fr-CH, fr;q=0.9`) stands for its first, preferred entry.
 */
export function toLocaleTag(text: string): string | undefined {
  const trimmed = (text.includes(';q=') || /^[A-Za-z-]+\s*,/u.test(text) ? (text.split(',')[0] ?? '') : text).replace(/;q=.*$/u, '').trim();
  if (trimmed.length > 64 || /^(?:c|posix)(?:\..*)?$/iu.test(trimmed)) return undefined;
  const posix = trimmed.replace(/[.@].*$/u, '').replace(/_/gu, '-');
  const tag = canonicalTag(posix);
  if (tag !== undefined) return tag;
  const named = /^([^()]+?)\s*(?:\(([^()]+)\))?$/u.exec(trimmed);
  const language = named?.[1] ? languageNames().get(named[1].toLowerCase()) : undefined;
  if (language === undefined) return undefined;
  if (!named?.[2]) return language;
  const region = lookupCountry(named[2]);
  return region === undefined ? undefined : canonicalTag(`${language}-${region}`);
}

let zoneByLowerName: Map<string, string> | undefined;

function zoneIndex(): Map<string, string> {
  if (zoneByLowerName) return zoneByLowerName;
  zoneByLowerName = new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  for (const [windows, iana] of Object.entries(windowsZones.zones)) zoneByLowerName.set(windows.toLowerCase(), iana);
  return zoneByLowerName;
}

const UTC_NAMES = new Set(['utc', 'gmt', 'z', 'zulu', 'universal', 'etc/utc', 'etc/gmt', 'etc/universal', 'etc/zulu']);
const IANA_SHAPE = /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/u;
const PROPERLY_CASED = /^[A-Z][a-z]+(?:\/(?:[A-Z][A-Za-z_-]*|GMT[+-]\d{1,2}))+$/u;

/** An IANA zone name; Windows zone ids are converted, fixed offsets refused (they are not zones). */
export function toZone(text: string): string | undefined {
  const trimmed = text.trim().replace(/\s+/gu, ' ');
  if (trimmed.length > 64) return undefined;
  const lower = trimmed.toLowerCase();
  if (UTC_NAMES.has(lower)) return 'UTC';
  const known = zoneIndex().get(lower);
  if (known !== undefined) return known;
  if (!IANA_SHAPE.test(trimmed)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: trimmed }).resolvedOptions().timeZone;
    // ICU resolves links to its own canonical ids (America/Argentina/Buenos_Aires -> America/Buenos_Aires);
    // a correctly written IANA name is kept as the upstream sent it.
    return PROPERLY_CASED.test(trimmed) ? trimmed : resolved;
  } catch {
    return undefined;
  }
}

function textOf(item: Item, name: string): string | Outcome {
  return typeof item === 'string' ? item : absent(`${name}: expects text`);
}

export const LOCALE_AND_ZONE_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'locale',
    family: 'locale-and-zone',
    summary: 'en_US, en-us, EN, en_US.UTF-8, language names -> BCP 47 (en-US)',
    params: [],
    result: 'text',
    shape: 'item',
    apply: (item) => {
      const text = textOf(item, 'locale');
      if (typeof text !== 'string') return text;
      const tag = toLocaleTag(text);
      return tag === undefined ? absent('locale: not a recognised language or locale') : present(tag);
    },
  },
  {
    name: 'zoneinfo',
    family: 'locale-and-zone',
    summary: 'IANA time zone name, validated and case-corrected; Windows zone names converted',
    params: [],
    result: 'text',
    shape: 'item',
    apply: (item) => {
      const text = textOf(item, 'zoneinfo');
      if (typeof text !== 'string') return text;
      const zone = toZone(text);
      return zone === undefined ? absent('zoneinfo: not an IANA time zone') : present(zone);
    },
  },
];
