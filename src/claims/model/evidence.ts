/**
 * Value-shape evidence: what the sample value looks like, independent of the attribute's name.
 * It feeds the model as tokens and gates identity-bearing targets, so a name that merely sounds
 * like `email` cannot put a non-address into the email claim.
 */
export type RawValue = string | number | boolean | null | ReadonlyArray<string | number | boolean | null>;

export const SHAPES = [
  'empty', 'multi', 'email', 'mailto', 'e164', 'intl_phone', 'national_phone', 'tel_uri', 'dn', 'date', 'datetime',
  'gentime', 'epoch', 'filetime', 'bool', 'url', 'uuid', 'hex', 'base64', 'integer', 'number', 'locale', 'country2',
  'country3', 'zone', 'name_like', 'last_first', 'multi_word', 'upper', 'lower', 'comma', 'dollar', 'newline',
  'at_sign', 'backslash', 'colon_prefix', 'long', 'ip', 'semicolon', 'pipe', 'role_prefix', 'phone_us', 'phone_fr',
  'phone_gb', 'phone_de',
] as const;
export type Shape = (typeof SHAPES)[number];

const PLACEHOLDERS = new Set(['', '-', '--', 'n/a', 'na', 'none', 'null', 'nil', 'unknown', 'not set', 'tbd', 'changeme', '0000-00-00', 'undefined', '?']);

export function isPlaceholder(s: string): boolean {
  return PLACEHOLDERS.has(s.trim().toLowerCase());
}

/** The elements of a value with placeholders removed, as strings. */
export function valueItems(v: RawValue): string[] {
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x): x is string | number | boolean => x !== null && x !== undefined)
    .map((x) => String(x)).filter((s) => !isPlaceholder(s));
}

const EMAIL = /^(?:mailto:|smtp:)?[^\s@,;<>()]+@[^\s@,;<>()]+\.[a-z]{2,}$/i;
const BOOL = /^(true|false|yes|no|y|n|on|off|0|1|verified|unverified|t|f)$/i;
const PHONE_CHARS = /^[+()\d\s./-]{6,24}$/;

function digits(s: string): number {
  return (s.match(/\d/g) ?? []).length;
}

export function shapesOf(s: string): Set<Shape> {
  const out = new Set<Shape>();
  const t = s.trim();
  if (EMAIL.test(t)) out.add('email');
  if (/^mailto:|^smtp:/i.test(t)) out.add('mailto');
  if (/^\+[1-9]\d{6,14}$/.test(t)) out.add('e164');
  else if (/^\+[1-9][\d\s().-]{6,20}$/.test(t) && digits(t) >= 7) out.add('intl_phone');
  else if (PHONE_CHARS.test(t) && digits(t) >= 7 && digits(t) <= 15 && /[\s().-]/.test(t) && !/^\d{4}-\d{2}-\d{2}/.test(t) && !/^\d{1,2}[./]\d{1,2}[./]\d{2,4}$/.test(t)) out.add('national_phone');
  else if (/^0\d{8,10}$/.test(t)) out.add('national_phone');
  if (/^tel:/i.test(t)) out.add('tel_uri');
  if (/^(cn|ou|uid|dc|o|c|l)=.+,/i.test(t) || /^(cn|ou|uid)=[^,]+$/i.test(t)) out.add('dn');
  if (/^\d{4}-\d{2}-\d{2}$/.test(t) || /^\d{1,2}[./-]\d{1,2}[./-]\d{4}$/.test(t) || /^\d{8}$/.test(t) && /^(19|20)\d{2}(0[1-9]|1[0-2])/.test(t)
    || /^\d{1,2} [A-Z][a-z]+ \d{4}$/.test(t) || /^[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}$/.test(t)) out.add('date');
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)) out.add('datetime');
  if (/^\d{14}(\.\d+)?Z$/.test(t)) out.add('gentime');
  if (/^1\d{9}(\d{3})?$/.test(t)) out.add('epoch');
  if (/^1[23]\d{16}$/.test(t)) out.add('filetime');
  if (BOOL.test(t)) out.add('bool');
  if (/^https?:\/\/\S+$/i.test(t)) out.add('url');
  if (/^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(t)) out.add('uuid');
  if (/^[0-9a-f]{16,}$/i.test(t)) out.add('hex');
  if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(t) && /[0-9]/.test(t) && /[A-Z]/.test(t) && /[a-z]/.test(t)) out.add('base64');
  if (/^-?\d+$/.test(t)) out.add('integer');
  if (/^-?\d+\.\d+$/.test(t)) out.add('number');
  if (/^[a-z]{2,3}([_-][A-Za-z]{2}|[_-]\d{3})?(\.[\w-]+)?$/.test(t) && /[_-]/.test(t) || /^[a-z]{2}$/.test(t)) out.add('locale');
  if (/^[A-Z]{2}$/.test(t)) out.add('country2');
  if (/^[A-Z]{3}$/.test(t)) out.add('country3');
  if (/^[A-Z][a-z]+\/[A-Z][A-Za-z_]+(\/[A-Za-z_]+)?$/.test(t) || /Standard Time$/.test(t)) out.add('zone');
  if (/^[\p{L}][\p{L}'.-]*(?:[ ,]+[\p{L}][\p{L}'.-]*)*$/u.test(t)) out.add('name_like');
  if (/^[\p{L}'-]+(?: [\p{L}'-]+)*, [\p{L}'-]+/u.test(t)) out.add('last_first');
  if (/\S\s+\S/.test(t)) out.add('multi_word');
  if (/\p{L}/u.test(t) && t === t.toUpperCase()) out.add('upper');
  if (/\p{L}/u.test(t) && t === t.toLowerCase()) out.add('lower');
  if (t.includes(',')) out.add('comma');
  if (t.includes('$')) out.add('dollar');
  if (t.includes('\n')) out.add('newline');
  if (t.includes('@')) out.add('at_sign');
  if (t.includes('\\')) out.add('backslash');
  if (/^[a-z][a-z0-9+.-]*:/i.test(t) && !/^https?:/i.test(t)) out.add('colon_prefix');
  if (t.length > 64) out.add('long');
  if (t.includes(';')) out.add('semicolon');
  if (t.includes('|')) out.add('pipe');
  if (/^ROLE_/.test(t)) out.add('role_prefix');
  // National phone layouts: which default region a national number needs.
  if (/^\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]\d{4}$/.test(t)) out.add('phone_us');
  if (/^0[1-9]( \d{2}){4}$/.test(t) || /^0[1-9](\.\d{2}){4}$/.test(t)) out.add('phone_fr');
  if (/^07\d{3} ?\d{6}$/.test(t) || /^0[12]\d{2,3} ?\d{3} ?\d{4}$/.test(t)) out.add('phone_gb');
  if (/^01[5-7]\d ?\d{7,8}$/.test(t) || /^0[2-9]\d{1,3}[ /-]?\d{5,8}$/.test(t) && !/^0[1-9]( \d{2}){4}$/.test(t)) out.add('phone_de');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t) || /^[0-9a-f:]+:[0-9a-f:]+$/i.test(t) && t.includes('::')) out.add('ip');
  return out;
}

export interface Evidence {
  items: string[];
  shapes: Set<Shape>;
}

/** Shapes of the first element, plus `multi` and `empty`, plus "any element" shapes that matter for gates. */
export function evidence(v: RawValue): Evidence {
  const items = valueItems(v);
  const shapes = items.length > 0 ? shapesOf(items[0] ?? '') : new Set<Shape>(['empty']);
  if (items.length > 1) shapes.add('multi');
  return { items, shapes };
}

/**
 * A machine endpoint (REST API, token or callback URL) is an application's address, never a
 * person's page or picture, however the attribute is named (`jwks_uri`, `repos_url`).
 */
export function isApiEndpoint(url: string): boolean {
  const m = /^https?:\/\/([^/?#]+)([^?#]*)/i.exec(url.trim());
  if (m === null) return false;
  const host = (m[1] ?? '').toLowerCase();
  const path = (m[2] ?? '').toLowerCase();
  return /^(api|graph)\./.test(host) || /\/(api|v\d+(\.\d+)?)(\/|$)/.test(path)
    || /\/(callback|token|authorize|userinfo|jwks(\.json)?|\.well-known)(\/|$)/.test(path);
}

/**
 * Identity-bearing targets need matching evidence; a miss removes the target from decoding.
 * Returns false when the value cannot possibly be a correct value for the target.
 */
export function targetAllowed(target: string, ev: Evidence): boolean {
  const s = ev.shapes;
  if (s.has('empty')) return true; // nothing will be emitted anyway
  const any = (...xs: Shape[]): boolean => xs.some((x) => s.has(x));
  const idLike = any('uuid', 'hex', 'base64');
  switch (target) {
    case 'email': return s.has('email');
    case 'phone_number': return any('e164', 'intl_phone', 'national_phone', 'tel_uri');
    case 'email_verified': case 'phone_number_verified': return s.has('bool');
    case 'groups': case 'roles': return !any('bool', 'date', 'datetime', 'gentime', 'epoch', 'email', 'e164', 'intl_phone', 'url');
    case 'given_name': case 'family_name': case 'middle_name': case 'name':
      return !idLike && !any('email', 'url', 'bool', 'integer', 'number', 'date', 'datetime', 'dn', 'e164', 'intl_phone', 'national_phone') && /\p{L}/u.test(ev.items[0] ?? '');
    case 'nickname': return !idLike && !any('email', 'url', 'date', 'datetime', 'e164');
    case 'preferred_username': return !idLike && !any('bool', 'date', 'datetime', 'gentime', 'epoch', 'url', 'multi_word', 'integer');
    case 'birthdate': return any('date', 'datetime', 'gentime', 'integer');
    case 'updated_at': return any('datetime', 'gentime', 'epoch', 'filetime', 'integer', 'date');
    case 'picture': case 'profile': case 'website': return s.has('url') && !isApiEndpoint(ev.items[0] ?? '');
    // A whole postal address has parts; a single line is a street, a city or a formatted label.
    case 'address': return any('comma', 'dollar', 'newline');
    default: return true;
  }
}
