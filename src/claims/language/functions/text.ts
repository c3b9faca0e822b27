import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import { stringArg, type ArgValue, type ItemFunction } from './types.ts';

const SEPARATORS = [',', ';', '|', '$', ' ', '\n', '/', ':', '@', '\\', '+'] as const;
const PREFIXES = ['CN=', 'cn=', 'uid=', 'ROLE_', 'role:', 'group:', 'grp-', 'sg-', 'app-', 'urn:mace:dir:entitlement:', 'https://', 'http://'] as const;
const SUFFIXES = ['.UTF-8', ' (external)', '_users', '-users', '_role', '-role'] as const;
const REPLACEABLE = ['_', ' ', '-', '.', ',', '+', ''] as const;

/** Builds an item function over the item's text; empty results become absent, never an empty claim. */
function textFunction(
  name: string,
  summary: string,
  transform: (text: string, args: readonly ArgValue[]) => string,
  params: ItemFunction['params'] = [],
): ItemFunction {
  return {
    name,
    family: 'text',
    summary,
    params,
    result: 'text',
    shape: 'item',
    apply(item: Item, args: readonly ArgValue[]): Outcome {
      const out = transform(itemText(item), args);
      return out === '' ? absent(`${name}: the result is empty`) : present(out);
    },
  };
}

export function collapseWhitespace(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

const LOWER_PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'dos', 'das', 'ter', 'ten', 'bin', 'ibn', 'y', 'e']);

/** Name case: capital after word starts, apostrophes and hyphens, `Mc` prefixes; particles stay lower. */
export function titleCase(text: string): string {
  const words = collapseWhitespace(text).toLowerCase().split(' ');
  return words
    .map((word, index) => {
      if (index > 0 && index < words.length - 1 && LOWER_PARTICLES.has(word)) return word;
      let out = word.replace(/(^|['’\-.])(\p{L})/gu, (_m, lead: string, letter: string) => lead + letter.toUpperCase());
      out = out.replace(/^Mc(\p{Ll})/u, (_m, letter: string) => `Mc${letter.toUpperCase()}`);
      return out;
    })
    .join(' ');
}

function startsWithFold(text: string, prefix: string): boolean {
  return prefix !== '' && text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

function endsWithFold(text: string, suffix: string): boolean {
  return suffix !== '' && text.length >= suffix.length && text.slice(text.length - suffix.length).toLowerCase() === suffix.toLowerCase();
}

const SCHEME_PREFIX = /^(?:mailto|smtp|sip|sips|tel|x500|spn|upn):/iu;
const NETBIOS_DOMAIN = /^[A-Za-z0-9][A-Za-z0-9.\-_]{0,62}\\(?=[^\\]+$)/u;

/**
 * Removes a tag that says how a value is encoded rather than what it is: URI schemes of contact values,
 * URN namespaces (`urn:mace:dir:entitlement:x` -> `x`), and NetBIOS domains (`CONTOSO\jdoe` -> `jdoe`).
 */
export function stripKnownPrefix(text: string): string {
  const trimmed = text.trim();
  if (SCHEME_PREFIX.test(trimmed)) return trimmed.replace(SCHEME_PREFIX, '').trim();
  if (/^urn:/iu.test(trimmed)) {
    const last = trimmed.slice(trimmed.lastIndexOf(':') + 1).trim();
    return last;
  }
  return trimmed.replace(NETBIOS_DOMAIN, '');
}

export const TEXT_FUNCTIONS: readonly ItemFunction[] = [
  textFunction('trim', 'strip surrounding whitespace', (t) => t.trim()),
  textFunction('collapse', 'trim, NFC-normalise and collapse inner whitespace runs to one space', collapseWhitespace),
  textFunction('lower', 'lower case', (t) => t.toLowerCase()),
  textFunction('upper', 'upper case', (t) => t.toUpperCase()),
  textFunction('title', "name case: jOHN o'neil-smith -> John O'Neil-Smith", titleCase),
  textFunction(
    'strip_prefix',
    'remove the prefix if present (case-insensitive match)',
    (t, args) => {
      const p = stringArg(args, 0);
      return startsWithFold(t, p) ? t.slice(p.length) : t;
    },
    [{ name: 'prefix', kind: 'string', literals: PREFIXES, free: true }],
  ),
  textFunction(
    'strip_suffix',
    'remove the suffix if present (case-insensitive match)',
    (t, args) => {
      const s = stringArg(args, 0);
      return endsWithFold(t, s) ? t.slice(0, t.length - s.length) : t;
    },
    [{ name: 'suffix', kind: 'string', literals: SUFFIXES, free: true }],
  ),
  textFunction('strip_scope', 'remove a trailing @scope: member@example.edu -> member', (t) =>
    t.includes('@') ? t.slice(0, t.lastIndexOf('@')).trim() : t.trim(),
  ),
  textFunction('strip_known_prefix', 'remove mailto:/smtp:/sip:/tel: schemes, URN namespaces and DOMAIN\\ prefixes', stripKnownPrefix),
  textFunction(
    'replace',
    'replace every occurrence of the first string by the second',
    (t, args) => {
      const from = stringArg(args, 0);
      return from === '' ? t : t.split(from).join(stringArg(args, 1));
    },
    [
      { name: 'from', kind: 'string', literals: REPLACEABLE.filter((s) => s !== ''), free: true },
      { name: 'to', kind: 'string', literals: REPLACEABLE, free: true },
    ],
  ),
];

export const SPLIT_SEPARATORS = SEPARATORS;
