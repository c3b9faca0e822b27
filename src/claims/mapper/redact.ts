/**
 * Redacted samples for the review queue. An admin reviewing a program needs the value's *shape*
 * (an address? a DN? a list? which date layout?) but never the value: samples are stored in the
 * database and shown in the CLI and admin pages, so nothing of the content may survive beyond the
 * first character of a string, case, punctuation and the structural keywords that make a format
 * recognisable (URL schemes, DN attribute types, an email's top-level domain).
 */

const MAX_STRING = 64;
const MAX_ITEMS = 3;
const MAX_SAMPLE = 512;
const MAX_DEPTH = 3;

type Redacted = string | number | boolean | null | Redacted[] | { [key: string]: Redacted };

const EMAIL = /^([^@\s]+)@([^@\s]+)\.([A-Za-z]{2,24})$/u;
/** Tokens kept verbatim because they are format, not content. */
const STRUCTURE = /^(?:https?:\/\/|mailto:|smtp:|sip:|tel:|urn:|x500:|(?:CN|OU|O|DC|UID|L|ST|C|cn|ou|o|dc|uid|l|st|c)=)/u;

function maskRun(text: string): string {
  let out = '';
  for (const char of text) {
    if (/\p{Nd}/u.test(char)) out += '9';
    else if (/\p{Lu}|\p{Lt}/u.test(char)) out += 'X';
    else if (/\p{L}/u.test(char)) out += 'x';
    else out += char;
  }
  return out;
}

/** `jane.doe@example.com` -> `j***@e***.com`: the lengths are hidden as well as the letters. */
function maskEmail(local: string, domain: string, tld: string): string {
  return `${[...local][0] ?? ''}***@${[...domain][0] ?? ''}***.${tld.toLowerCase()}`;
}

function maskString(text: string): string {
  const email = EMAIL.exec(text.trim());
  if (email) return maskEmail(email[1] ?? '', email[2] ?? '', email[3] ?? '');
  const chars = [...text].slice(0, MAX_STRING);
  const truncated = [...text].length > MAX_STRING;
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const atBoundary = i === 0 || /[\s,;:=+$|/\\]/u.test(chars[i - 1] ?? '');
    const structural = atBoundary ? STRUCTURE.exec(chars.slice(i).join('')) : null;
    if (structural) {
      out += structural[0];
      i += [...structural[0]].length;
      continue;
    }
    const char = chars[i] ?? '';
    // The first character is kept as is (it shows case and kind, e.g. the `+` of a phone number).
    out += i === 0 && !/\p{Nd}/u.test(char) ? char : maskRun(char);
    i += 1;
  }
  return truncated ? `${out}…` : out;
}

function maskNumber(value: number): number | string {
  if (!Number.isFinite(value)) return String(value);
  const masked = String(value).replace(/\d/gu, '9');
  const back = Number(masked);
  return Number.isFinite(back) ? back : masked;
}

function redactValue(value: unknown, depth: number): Redacted {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return maskNumber(value);
  if (typeof value === 'bigint') return String(value).replace(/\d/gu, '9');
  if (typeof value === 'string') return maskString(value);
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item: unknown) => redactValue(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`…(${value.length - MAX_ITEMS} more)`);
    return items;
  }
  if (typeof value === 'object') {
    const out: { [key: string]: Redacted } = {};
    // Keys are kept: they are the upstream's schema (`street_address`, `primary`), not the user's data.
    for (const [key, member] of Object.entries(value).slice(0, 16)) out[key.slice(0, MAX_STRING)] = redactValue(member, depth + 1);
    return out;
  }
  return null;
}

/** JSON text of the value with its content masked, at most ~512 characters. */
export function redactSample(value: unknown): string {
  const text = JSON.stringify(redactValue(value, 0));
  return text.length > MAX_SAMPLE ? `${text.slice(0, MAX_SAMPLE - 1)}…` : text;
}
