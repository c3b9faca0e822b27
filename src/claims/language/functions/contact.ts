import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import type { ItemFunction } from './types.ts';

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** Addresses a mail server would accept as written: no quoted local parts, no IP literals, a dotted domain. */
export function isEmailAddress(text: string): boolean {
  if (text.length > 254) return false;
  const at = text.lastIndexOf('@');
  if (at <= 0) return false;
  const local = text.slice(0, at);
  const labels = text.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL_PART.test(local) || labels.length < 2) return false;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return /^[\p{L}]{2,63}$/u.test(labels[labels.length - 1] ?? '') || /^xn--[a-z0-9-]+$/u.test(labels[labels.length - 1] ?? '');
}

function toEmail(item: Item): Outcome {
  if (typeof item !== 'string') return absent('email: expects text');
  let text = item.trim();
  const angle = /<([^<>]+)>\s*$/u.exec(text);
  if (angle?.[1]) text = angle[1];
  text = text.replace(/^(?:mailto|smtp):/iu, '').trim().toLowerCase();
  return isEmailAddress(text) ? present(text) : absent('email: not a valid email address');
}

export function isHttpUrl(text: string): boolean {
  if (text.length > 2048 || /\s/u.test(text) || !URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
}

export const CONTACT_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'email',
    family: 'contact',
    summary: 'strip mailto:/smtp: and a display name, trim, lower-case; absent unless a valid address',
    params: [],
    result: 'text',
    shape: 'item',
    apply: toEmail,
  },
  {
    name: 'url',
    family: 'contact',
    summary: 'absent unless an absolute http(s) URL without credentials',
    params: [],
    result: 'text',
    shape: 'item',
    apply: (item) => {
      const text = itemText(item).trim();
      return typeof item === 'string' && isHttpUrl(text) ? present(text) : absent('url: not an absolute http(s) URL');
    },
  },
];
