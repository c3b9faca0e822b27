/**
 * The target claims and the check each result must pass before it becomes a claim. A check either
 * returns the claim value exactly as it will be issued or a reason; it never trims a value into shape.
 */
import { isEmailAddress, isHttpUrl } from './functions/contact.ts';
import { toLocaleTag, toZone } from './functions/locale-and-zone.ts';
import { isValidDate } from './functions/calendar.ts';
import { TARGET_NAMES, type TargetName } from './target-names.ts';
import { isAddress, isList, type AddressValue, type Item, type Value } from './values.ts';

export { TARGET_NAMES, FORBIDDEN_TARGETS, isTargetName, type TargetName } from './target-names.ts';

export interface AddressClaim {
  formatted: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export type ClaimValue = string | number | boolean | string[] | AddressClaim;

export type Checked = { readonly ok: true; readonly value: ClaimValue } | { readonly ok: false; readonly reason: string };

/** What a target accepts, by name, for the grammar description and the model's decoder. */
export type TargetKind = 'text' | 'email' | 'boolean' | 'e164' | 'date' | 'integer' | 'url' | 'bcp47' | 'iana_zone' | 'string_list' | 'address' | 'multiline_text';

export const TARGET_KINDS: Readonly<Record<TargetName, TargetKind>> = {
  name: 'text', given_name: 'text', family_name: 'text', middle_name: 'text', nickname: 'text', preferred_username: 'text',
  profile: 'url', picture: 'url', website: 'url', email: 'email', email_verified: 'boolean', gender: 'text', birthdate: 'date',
  zoneinfo: 'iana_zone', locale: 'bcp47', phone_number: 'e164', phone_number_verified: 'boolean', updated_at: 'integer',
  address: 'address', 'address.formatted': 'multiline_text', 'address.street_address': 'multiline_text', 'address.locality': 'text',
  'address.region': 'text', 'address.postal_code': 'text', 'address.country': 'text', groups: 'string_list', roles: 'string_list',
};

const MAX_TEXT = 1024;
const MAX_LIST = 1000;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/u;
const E164 = /^\+[1-9]\d{6,14}(?:;ext=\d{1,10})?$/u;

const ok = (value: ClaimValue): Checked => ({ ok: true, value });
const fail = (reason: string): Checked => ({ ok: false, reason });

/** Lists of one element stand for that element; longer lists are refused for single-valued claims. */
function single(value: Value, target: string): Item | Checked {
  if (!isList(value)) return value;
  if (value.length === 1 && value[0] !== undefined) return value[0];
  return fail(`${target} takes a single value but the program produced ${value.length}`);
}

function isChecked(value: Item | Checked): value is Checked {
  return typeof value === 'object' && 'ok' in value;
}

function checkText(item: Item, target: string, multiline: boolean): Checked {
  if (typeof item === 'boolean' || typeof item === 'object') return fail(`${target} must be text`);
  const text = typeof item === 'number' ? (Number.isFinite(item) ? String(item) : '') : item;
  if (text.trim() === '') return fail(`${target} must not be empty`);
  if (text.length > MAX_TEXT) return fail(`${target} is longer than ${MAX_TEXT} characters`);
  if (CONTROL.test(text) || (!multiline && /[\n\r]/u.test(text))) return fail(`${target} contains control characters`);
  return ok(text);
}

function checkStringList(value: Value, target: string): Checked {
  const items = isList(value) ? value : [value];
  if (items.length === 0) return fail(`${target} must not be empty`);
  if (items.length > MAX_LIST) return fail(`${target} has more than ${MAX_LIST} values`);
  const out: string[] = [];
  for (const item of items) {
    const checked = checkText(item, target, false);
    if (!checked.ok) return fail(`${target}: every element must be non-empty text (${checked.reason})`);
    out.push(String(checked.value));
  }
  return ok(out);
}

function checkAddress(item: Item, target: string): Checked {
  if (!isAddress(item)) return fail(`${target} must be an address object (use the address function)`);
  const claim: Record<string, string> = {};
  for (const [key, field] of Object.entries(item as AddressValue)) {
    if (field === undefined) continue;
    const checked = checkText(field as string, `${target}.${key}`, key === 'formatted' || key === 'street_address');
    if (!checked.ok) return checked;
    claim[key] = String(checked.value);
  }
  if (claim.formatted === undefined) return fail(`${target} has no formatted value`);
  return ok({ ...claim, formatted: claim.formatted });
}

function checkItem(kind: TargetKind, item: Item, target: string): Checked {
  switch (kind) {
    case 'text':
      return checkText(item, target, false);
    case 'multiline_text':
      return checkText(item, target, true);
    case 'boolean':
      return typeof item === 'boolean' ? ok(item) : fail(`${target} must be a boolean (use bool)`);
    case 'integer':
      return typeof item === 'number' && Number.isSafeInteger(item) && item >= 0 ? ok(item) : fail(`${target} must be a non-negative integer`);
    case 'email':
      return typeof item === 'string' && isEmailAddress(item) && item === item.trim() ? ok(item) : fail(`${target} must be a valid email address`);
    case 'e164':
      return typeof item === 'string' && E164.test(item) ? ok(item) : fail(`${target} must be an E.164 number`);
    case 'url':
      return typeof item === 'string' && isHttpUrl(item) ? ok(item) : fail(`${target} must be an absolute http(s) URL`);
    case 'bcp47':
      return typeof item === 'string' && toLocaleTag(item) === item ? ok(item) : fail(`${target} must be a BCP 47 language tag`);
    case 'iana_zone':
      return typeof item === 'string' && toZone(item) !== undefined && /^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/u.test(item)
        ? ok(item)
        : fail(`${target} must be an IANA time zone name`);
    case 'date':
      return typeof item === 'string' && isBirthdate(item) ? ok(item) : fail(`${target} must be YYYY-MM-DD, YYYY or 0000-MM-DD`);
    case 'address':
      return checkAddress(item, target);
    case 'string_list':
      return checkStringList(item, target);
  }
}

export function isBirthdate(text: string): boolean {
  if (/^\d{4}$/u.test(text)) return true;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  return isValidDate(year === 0 ? 2000 : year, Number(match[2]), Number(match[3]));
}

/** The value as it will be issued for the target, or why there is none. */
export function checkTarget(target: TargetName, value: Value): Checked {
  const kind = TARGET_KINDS[target];
  if (kind === 'string_list') return checkStringList(value, target);
  const item = single(value, target);
  if (isChecked(item)) return item;
  return checkItem(kind, item, target);
}

export const TARGETS: readonly { readonly name: TargetName; readonly kind: TargetKind }[] = TARGET_NAMES.map((name) => ({ name, kind: TARGET_KINDS[name] }));
