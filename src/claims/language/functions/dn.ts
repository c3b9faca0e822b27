/**
 * A strict RFC 4514 distinguished-name parser (with the RFC 2253/1779 leniencies seen in real directories:
 * spaces around separators, `;` between RDNs, quoted values). Hex escapes are UTF-8 bytes, so `\C3\A9`
 * decodes to `é`; `#`-prefixed values are BER and decoded when they hold a plain string type.
 */
export interface AttributeValueAssertion {
  readonly type: string;
  readonly value: string;
}

export type RelativeName = readonly AttributeValueAssertion[];

const SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '=', ' ', '#']);
const TYPE_PATTERN = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:OID\.)?[0-9]+(?:\.[0-9]+)*)$/u;
const MAX_DN_LENGTH = 8192;

class Cursor {
  index = 0;
  constructor(readonly text: string) {}
  peek(): string | undefined {
    return this.text[this.index];
  }
  skipSpaces(): void {
    while (this.peek() === ' ') this.index += 1;
  }
  done(): boolean {
    return this.index >= this.text.length;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBytes(bytes: number[]): string | undefined {
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

function isHex(char: string | undefined): boolean {
  return char !== undefined && /^[0-9A-Fa-f]$/u.test(char);
}

/** BER primitives that carry a plain string: UTF8String, PrintableString, T61String, IA5String, BMPString. */
function decodeBer(hex: string): string | undefined {
  if (hex.length < 4 || hex.length % 2 !== 0) return undefined;
  const bytes = hex.match(/../gu)?.map((pair) => Number.parseInt(pair, 16)) ?? [];
  const [tag, length, ...rest] = bytes;
  if (tag === undefined || length === undefined || length >= 0x80 || rest.length !== length) return undefined;
  if (tag === 0x0c) return decodeBytes(rest);
  if (tag === 0x13 || tag === 0x16 || tag === 0x14) return String.fromCharCode(...rest);
  if (tag === 0x1e && rest.length % 2 === 0) {
    let out = '';
    for (let i = 0; i < rest.length; i += 2) out += String.fromCharCode(((rest[i] ?? 0) << 8) | (rest[i + 1] ?? 0));
    return out;
  }
  return undefined;
}

function parseType(cursor: Cursor): string | undefined {
  cursor.skipSpaces();
  const start = cursor.index;
  while (!cursor.done() && cursor.peek() !== '=' && cursor.peek() !== ' ') cursor.index += 1;
  const type = cursor.text.slice(start, cursor.index);
  cursor.skipSpaces();
  if (cursor.peek() !== '=' || !TYPE_PATTERN.test(type)) return undefined;
  cursor.index += 1;
  cursor.skipSpaces();
  return type;
}

function parseQuoted(cursor: Cursor): string | undefined {
  cursor.index += 1;
  let out = '';
  while (!cursor.done()) {
    const char = cursor.peek();
    if (char === '"') {
      cursor.index += 1;
      cursor.skipSpaces();
      return out;
    }
    if (char === '\\') {
      const next = cursor.text[cursor.index + 1];
      if (next === undefined) return undefined;
      out += next;
      cursor.index += 2;
      continue;
    }
    out += char;
    cursor.index += 1;
  }
  return undefined;
}

function parseValue(cursor: Cursor): string | undefined {
  if (cursor.peek() === '"') return parseQuoted(cursor);
  if (cursor.peek() === '#') {
    const match = /^#([0-9A-Fa-f]+)/u.exec(cursor.text.slice(cursor.index));
    if (!match?.[1]) return undefined;
    cursor.index += match[0].length;
    cursor.skipSpaces();
    return decodeBer(match[1]);
  }
  const pieces: string[] = [];
  let bytes: number[] = [];
  let trailingSpaces = 0;
  const flushBytes = (): boolean => {
    if (bytes.length === 0) return true;
    const decoded = decodeBytes(bytes);
    bytes = [];
    if (decoded === undefined) return false;
    pieces.push(decoded);
    return true;
  };
  while (!cursor.done()) {
    const char = cursor.peek() ?? '';
    if (char === ',' || char === '+' || char === ';') break;
    if (char === '\\') {
      const a = cursor.text[cursor.index + 1];
      const b = cursor.text[cursor.index + 2];
      if (isHex(a) && isHex(b)) {
        bytes.push(Number.parseInt(`${a}${b}`, 16));
        cursor.index += 3;
      } else if (a !== undefined && SPECIAL.has(a)) {
        if (!flushBytes()) return undefined;
        pieces.push(a);
        cursor.index += 2;
      } else {
        return undefined;
      }
      trailingSpaces = 0;
      continue;
    }
    if (char === '"' || char === '<' || char === '>' || char === '=') return undefined;
    if (!flushBytes()) return undefined;
    pieces.push(char);
    trailingSpaces = char === ' ' ? trailingSpaces + 1 : 0;
    cursor.index += 1;
  }
  if (!flushBytes()) return undefined;
  const value = pieces.join('');
  return trailingSpaces > 0 ? value.slice(0, value.length - trailingSpaces) : value;
}

/** The RDNs of a DN, leftmost (most specific) first; undefined when the text is not a DN. */
export function parseDistinguishedName(text: string): RelativeName[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_DN_LENGTH || !trimmed.includes('=')) return undefined;
  const cursor = new Cursor(trimmed);
  const rdns: RelativeName[] = [];
  let current: AttributeValueAssertion[] = [];
  for (;;) {
    const type = parseType(cursor);
    if (type === undefined) return undefined;
    const value = parseValue(cursor);
    if (value === undefined) return undefined;
    current.push({ type, value });
    if (cursor.done()) break;
    const separator = cursor.peek();
    if (separator !== ',' && separator !== ';' && separator !== '+') return undefined;
    cursor.index += 1;
    if (separator !== '+') {
      rdns.push(current);
      current = [];
    }
    if (cursor.done()) return undefined;
  }
  rdns.push(current);
  return rdns;
}

const ALIASES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'cn',
  commonname: 'cn',
  '2.5.4.11': 'ou',
  organizationalunitname: 'ou',
  '2.5.4.10': 'o',
  organizationname: 'o',
  '0.9.2342.19200300.100.1.25': 'dc',
  domaincomponent: 'dc',
  '0.9.2342.19200300.100.1.1': 'uid',
  userid: 'uid',
  '2.5.4.6': 'c',
  countryname: 'c',
  '2.5.4.7': 'l',
  localityname: 'l',
  '2.5.4.8': 'st',
  stateorprovincename: 'st',
};

/** `CN`, `commonName`, `2.5.4.3` and `OID.2.5.4.3` all name the same attribute. */
export function canonicalAttributeType(type: string): string {
  const lower = type.toLowerCase().replace(/^oid\./u, '');
  return ALIASES[lower] ?? lower;
}
