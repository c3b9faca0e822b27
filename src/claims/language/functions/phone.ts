import { getCountries, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import { stringArg, type ArgValue, type ItemFunction } from './types.ts';

export const PHONE_REGIONS: readonly string[] = [...getCountries()].sort();
const regionSet: ReadonlySet<string> = new Set(PHONE_REGIONS);

export function isPhoneRegion(code: string): code is CountryCode {
  return regionSet.has(code);
}

const MAX_PHONE_TEXT = 64;

/**
 * E.164 with an RFC 3966 extension when there is one (OIDC Core recommends `;ext=`). A national number
 * without a default region is absent: guessing the country would make up a different person's number.
 */
export function toE164(text: string, region: string): Outcome {
  let cleaned = text.trim().replace(/^tel:/iu, '');
  if (cleaned.length > MAX_PHONE_TEXT) return absent('phone: the value is too long to be a phone number');
  if (region === '' && /^00[1-9]/u.test(cleaned)) cleaned = `+${cleaned.slice(2)}`;
  const parsed = isPhoneRegion(region) ? parsePhoneNumberFromString(cleaned, region) : parsePhoneNumberFromString(cleaned);
  if (!parsed) {
    return absent(region === '' && !cleaned.startsWith('+') ? 'phone: a national number needs a default region' : 'phone: not a phone number');
  }
  // Possible (right length for its country) rather than valid (in an allocated range): range tables age
  // faster than directories, and refusing a newly allocated number would lose a real one.
  if (!parsed.isPossible()) return absent('phone: not a possible number for its country');
  const ext = parsed.ext && /^\d{1,10}$/u.test(parsed.ext) ? `;ext=${parsed.ext}` : '';
  return present(`${parsed.number}${ext}`);
}

export const PHONE_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'phone',
    family: 'phone',
    summary: 'E.164 via libphonenumber-js; the optional argument is the ISO region for national numbers',
    params: [{ name: 'default_region', kind: 'region', optional: true, literals: PHONE_REGIONS, free: false }],
    result: 'text',
    shape: 'item',
    apply: (item: Item, args: readonly ArgValue[]) => {
      if (typeof item === 'boolean' || typeof item === 'object') return absent('phone: not a phone number');
      return toE164(itemText(item), stringArg(args, 0));
    },
  },
];
