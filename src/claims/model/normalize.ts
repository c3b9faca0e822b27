/**
 * Deterministic attribute-name normalisation: URI and namespace prefixes, `urn:oid:` forms,
 * separators, camelCase, run-together words ("emailaddress"), plurals and a few generic
 * abbreviations. Two spellings of one attribute (`mobilePhone`, `mobile_phone`, `MobilePhones`)
 * get the same key, which is what lookups and the train/held-out split use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VOCAB_DIR } from './paths.ts';

export interface NormalizedName {
  /** lower-case words, in order */
  words: string[];
  /** words joined by one space: the identity of the attribute for lookups and the split */
  key: string;
  /** the OID when the name was one (`urn:oid:2.5.4.42`, `2.5.4.42`) */
  oid?: string;
}

/** Short words WordNet's dictionary lacks or that must never be split further. */
const EXTRA_WORDS = [
  'my', 'email', 'mail', 'postal', 'nick', 'nickname', 'surname', 'username', 'userid', 'login', 'uid', 'id', 'ids',
  'of', 'or', 'by', 'to', 'at', 'in', 'on', 'is', 'upn', 'sid', 'guid', 'uuid', 'url', 'uri', 'dn', 'ip', 'zip',
  'tenant', 'identifier', 'zoneinfo', 'timezone', 'locale', 'phone', 'mobile', 'cell', 'given', 'first', 'last',
  'middle', 'display', 'principal', 'avatar', 'website', 'homepage', 'birthday', 'birthdate', 'verified',
  'country', 'region', 'street', 'city', 'state', 'province', 'code', 'number', 'address', 'group', 'role',
  'member', 'name', 'family', 'preferred', 'language', 'gender', 'picture', 'photo', 'profile', 'updated',
];

/** Generic abbreviations of words (not of attribute names): they let unseen spellings share words. */
const ABBREVIATIONS: Record<string, string[]> = {
  tel: ['telephone'], fname: ['first', 'name'], lname: ['last', 'name'], mname: ['middle', 'name'],
  addr: ['address'], num: ['number'], nbr: ['number'], no: ['number'], pref: ['preferred'], lang: ['language'],
  tz: ['timezone'], dob: ['date', 'of', 'birth'], msisdn: ['mobile', 'number'], usr: ['user'], grp: ['group'],
  dept: ['department'], org: ['organization'], e: ['e'], www: ['web'], img: ['image'], pic: ['picture'],
  ts: ['timestamp'], pwd: ['password'], cc: ['country', 'code'],
};

/** Vendor prefixes that carry no meaning of their own (`facebook.first_name`, `extension_…`). */
const VENDOR_WORDS = new Set(['facebook', 'windowslive', 'linkedin', 'openid', 'ext', 'custom', 'extension', 'attr', 'attribute', 'claim', 'x']);

/** Last URI segments that only qualify the segment before them. */
const QUALIFIERS = new Set(['home', 'business', 'work', 'default', 'primary', 'value', 'mobile', 'cell', 'fax', 'pager']);

let dictionary: Set<string> | undefined;
function dict(): Set<string> {
  dictionary ??= new Set([
    ...readFileSync(join(VOCAB_DIR, 'words.txt'), 'utf8').split('\n').filter(Boolean),
    ...EXTRA_WORDS,
    ...VENDOR_WORDS,
  ]);
  return dictionary;
}

/** Whether the word is in the English dictionary (WordNet) or the list of short attribute words. */
export function isDictionaryWord(word: string): boolean {
  return dict().has(word);
}

/** Splits a run-together word into dictionary words with the fewest pieces, or keeps it whole. */
export function segment(word: string): string[] {
  const d = dict();
  if (word.length < 6 || d.has(word)) return [word];
  const n = word.length;
  const best: Array<{ cost: number; parts: string[] } | undefined> = [{ cost: 0, parts: [] }];
  for (let i = 1; i <= n; i++) {
    for (let j = Math.max(0, i - 16); j < i; j++) {
      const prev = best[j];
      const piece = word.slice(j, i);
      if (prev === undefined || !d.has(piece) || (piece.length < 3 && !EXTRA_WORDS.includes(piece))) continue;
      const cost = prev.cost + 1;
      const cur = best[i];
      if (cur === undefined || cost < cur.cost) best[i] = { cost, parts: [...prev.parts, piece] };
    }
  }
  return best[n]?.parts ?? [word];
}

/** `emails` -> `email`, `addresses` -> `address`: multi-valuedness comes from the value, not the name. */
export function singular(word: string): string {
  if (word.length <= 3 || /(ss|us|is|ics)$/.test(word)) return word;
  if (/sses$/.test(word)) return word.slice(0, -2);
  if (/(xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (/ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

const OID_RE = /^(?:urn:oid:)?([0-2](?:\.\d+)+)$/i;

export function normalizeName(raw: string, oidNames?: ReadonlyMap<string, string>): NormalizedName {
  let name = raw.trim();
  const oidMatch = OID_RE.exec(name);
  let oid: string | undefined;
  if (oidMatch) {
    oid = oidMatch[1];
    // An OID is the same attribute as its registered name, so it normalises to that name's key.
    const friendly = oid === undefined ? undefined : oidNames?.get(oid);
    if (friendly === undefined) return { words: ['oid', ...(oid ?? '').split('.')], key: `oid ${oid}`, ...(oid ? { oid } : {}) };
    name = friendly;
  }
  // SCIM filters keep their type as a word: phoneNumbers[type eq "mobile"].value -> phoneNumbers mobile value
  name = name.replace(/\[\s*type\s+eq\s+"([^"]*)"\s*\]/gi, ' $1 ').replace(/\[\d*\]/g, ' ');
  // URI claim types and URN namespaces: the last path or colon segment names the attribute.
  if (/^https?:\/\//i.test(name)) {
    const segs = name.replace(/^https?:\/\/[^/]+/i, '').split('/').filter(Boolean);
    const last = segs.pop() ?? '';
    // axschema.org style: /contact/phone/home — a qualifier alone does not name the attribute.
    name = QUALIFIERS.has(last.toLowerCase()) && segs.length > 0 ? `${segs.pop() ?? ''} ${last}` : last;
  }
  else if (/^urn:/i.test(name)) name = name.replace(/^.*:/, '');
  name = name.replace(/^[^\\]+\\/, ''); // DOMAIN\attr forms
  // Azure AD extension attributes carry the app id: extension_<32 hex>_<name>.
  name = name.replace(/^extension_[0-9a-f]{32}_/i, '');
  const words: string[] = [];
  const pieces = name
    // A lone lower-case letter before an acronym belongs to it: sAMAccountName, wWWHomePage.
    .replace(/^([a-z])([A-Z]+)(?=[A-Z][a-z]|$)/, (_m: string, a: string, b: string) => `${a}${b.toLowerCase()} `)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-zA-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (const piece of pieces) {
    for (const w of /^\d+$/.test(piece) ? [piece] : segment(piece)) {
      for (const x of ABBREVIATIONS[w] ?? [w]) words.push(singular(x));
    }
  }
  // Drop vendor prefixes and a trailing SCIM `.value`, unless nothing would be left.
  while (words.length > 1 && VENDOR_WORDS.has(words[0] ?? '')) words.shift();
  if (words.length > 1 && words[words.length - 1] === 'value') words.pop();
  return { words, key: words.join(' '), ...(oid ? { oid } : {}) };
}
