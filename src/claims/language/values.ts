/**
 * Runtime values flowing through a pipeline. Arrays are flat: a multi-valued attribute is a list of items,
 * and functions that would nest lists (`each(split(...))`) flatten them.
 */
export interface AddressValue {
  readonly formatted: string;
  readonly street_address?: string;
  readonly locality?: string;
  readonly region?: string;
  readonly postal_code?: string;
  readonly country?: string;
}

export type Scalar = string | number | boolean;
export type Item = Scalar | AddressValue;
export type Value = Item | readonly Item[];

/** Absence always carries a reason, so a dropped claim can be explained to an admin. */
export type Outcome = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly reason: string };

export const present = (value: Value): Outcome => ({ ok: true, value });
export const absent = (reason: string): Outcome => ({ ok: false, reason });

export function isList(value: Value): value is readonly Item[] {
  return Array.isArray(value);
}

export function isAddress(value: Value): value is AddressValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Scalar functions see the first element of a list, as the language specifies. */
export function firstItem(value: Value): Item | undefined {
  return isList(value) ? value[0] : value;
}

/** The text form of an item, for functions that work on strings. */
export function itemText(item: Item): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'number') return Number.isFinite(item) ? String(item) : '';
  if (typeof item === 'boolean') return item ? 'true' : 'false';
  return item.formatted;
}
