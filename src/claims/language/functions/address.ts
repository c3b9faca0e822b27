import { absent, present } from '../values.ts';
import type { AddressValue, Item, Outcome } from '../values.ts';
import { lookupCountry } from './country.ts';
import { collapseWhitespace } from './text.ts';
import type { ItemFunction } from './types.ts';

const MAX_ADDRESS_TEXT = 2048;

interface Locality {
  readonly locality: string;
  readonly region?: string;
  readonly postal_code?: string;
}

/** US ZIP, Canadian and Australian postcodes: the layouts that put the region before the code. */
const REGION_FIRST_POSTAL = String.raw`\d{5}(?:-\d{4})?|\d{4}|[A-Z]\d[A-Z] ?\d[A-Z]\d`;
const CITY_STATE_ZIP = new RegExp(String.raw`^(.+?),?\s+([A-Z]{2,3})\s+(${REGION_FIRST_POSTAL})$`, 'u');
const STATE_ZIP = new RegExp(String.raw`^([A-Z]{2,3})\s+(${REGION_FIRST_POSTAL})$`, 'u');
const POSTAL_CITY = /^(?:[A-Z]{1,2}-)?(\d{4} ?[A-Z]{2}(?=\s)|\d{5}-\d{3}|\d{3}-\d{4}|\d{4,5}|\d{3} \d{2}|\d{2}-\d{3})\s+(\p{L}.*)$/u;
const UK_POSTCODE = String.raw`[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}`;
const CITY_UK_POSTCODE = new RegExp(String.raw`^(.+?),?\s+(${UK_POSTCODE})$`, 'u');
const ONLY_UK_POSTCODE = new RegExp(String.raw`^(${UK_POSTCODE})$`, 'u');

/** Recognises the line holding town, region and postal code, in the layouts common in directories. */
function matchLocality(line: string, previous: string | undefined): { value: Locality; usesPrevious: boolean } | undefined {
  let match = CITY_STATE_ZIP.exec(line);
  if (match) return { value: { locality: match[1]!, region: match[2]!, postal_code: match[3]! }, usesPrevious: false };
  match = STATE_ZIP.exec(line);
  if (match && previous) return { value: { locality: previous, region: match[1]!, postal_code: match[2]! }, usesPrevious: true };
  match = POSTAL_CITY.exec(line);
  if (match) return { value: { locality: match[2]!, postal_code: match[1]! }, usesPrevious: false };
  match = CITY_UK_POSTCODE.exec(line);
  if (match && /\p{L}/u.test(match[1]!)) return { value: { locality: match[1]!, postal_code: match[2]! }, usesPrevious: false };
  match = ONLY_UK_POSTCODE.exec(line);
  if (match && previous) return { value: { locality: previous, postal_code: match[1]! }, usesPrevious: true };
  return undefined;
}

/** RFC 4517 postalAddress: lines separated by `$`, with `\24` and `\5C` escaping `$` and `\`. */
function postalAddressLines(text: string): string[] {
  return text.split('$').map((line) => line.replace(/\\24/giu, '$').replace(/\\5c/giu, '\\'));
}

function splitLines(text: string): { lines: string[]; separator: string } {
  if (text.includes('$')) return { lines: postalAddressLines(text), separator: '\n' };
  if (/\r?\n/u.test(text)) return { lines: text.split(/\r?\n/u), separator: '\n' };
  return { lines: text.split(','), separator: ', ' };
}

export function parseAddress(text: string): AddressValue | undefined {
  if (text.length > MAX_ADDRESS_TEXT) return undefined;
  const { lines: raw, separator } = splitLines(text);
  const lines = raw.map(collapseWhitespace).filter((line) => line !== '');
  if (lines.length === 0) return undefined;
  const formatted = lines.join(separator);
  const body = [...lines];
  let country: string | undefined;
  const last = body[body.length - 1];
  if (body.length > 1 && last !== undefined && !/\d/u.test(last) && lookupCountry(last) !== undefined) {
    country = last;
    body.pop();
  }
  for (let index = body.length - 1; index >= 1; index -= 1) {
    const found = matchLocality(body[index]!, body[index - 1]);
    if (!found) continue;
    const streetEnd = found.usesPrevious ? index - 1 : index;
    const street = body.slice(0, streetEnd).join('\n');
    return {
      formatted,
      ...(street !== '' ? { street_address: street } : {}),
      ...found.value,
      ...(country !== undefined ? { country } : {}),
    };
  }
  return { formatted, ...(country !== undefined ? { country } : {}) };
}

function toAddress(item: Item): Outcome {
  if (typeof item === 'object') return present(item);
  if (typeof item !== 'string') return absent('address: expects text or an address object');
  const address = parseAddress(item);
  return address === undefined ? absent('address: not a postal address') : present(address);
}

export const ADDRESS_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'address',
    family: 'address',
    summary: 'postal address (multi-line, $-separated LDAP postalAddress, comma-separated) -> OIDC address object',
    params: [],
    result: 'address',
    shape: 'item',
    apply: toAddress,
  },
];
