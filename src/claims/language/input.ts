/**
 * Turns an attribute value as it arrived (JSON from an OIDC upstream, strings from SAML/LDAP) into a
 * pipeline value, treating placeholders as absent. This is the edge where untyped input enters.
 */
import { z } from 'zod';
import { absent, present } from './values.ts';
import type { AddressValue, Item, Outcome } from './values.ts';

const MAX_TEXT = 65_536;
const MAX_ITEMS = 10_000;

const PLACEHOLDERS = new Set([
  '', '-', '--', '---', '.', '?', '??', 'n/a', 'n.a.', 'n.a', 'none', 'null', 'nil', 'undefined', 'unknown',
  'not set', 'notset', 'not available', 'not applicable', 'not specified', 'unspecified', 'tbd', 'tba', 'todo',
  'changeme', 'change me', 'empty', 'blank', 'placeholder', 'xxx', 'xxxx',
  '0000-00-00', '00000000', '0000-00-00t00:00:00z', '00000000000000z', '1900-01-01', '0001-01-01', '01/01/1900',
  '0001-01-01t00:00:00', '0001-01-01t00:00:00z', '01/01/0001 00:00:00', '1601-01-01t00:00:00z', '16010101000000z',
  '[]', '{}', '<null>', '(null)', '<none>', '(none)', '<empty>', '#n/a', 'noreply@example.com', 'user@example.com',
]);

/** Unexpanded template variables (`${user.email}`, `{{mail}}`, `%email%`, `$(mail)`) are configuration bugs, not values. */
const TEMPLATE = /^(?:\$\{[^}]*\}|\{\{[^}]*\}\}|%[A-Za-z_][\w.]*%|\$\([^)]*\)|<%[^%]*%>)$/u;

export function isPlaceholder(text: string): boolean {
  const folded = text.trim().toLowerCase().replace(/\s+/gu, ' ');
  return PLACEHOLDERS.has(folded) || TEMPLATE.test(text.trim());
}

const addressSchema = z
  .object({
    formatted: z.string().max(MAX_TEXT).optional(),
    street_address: z.string().max(MAX_TEXT).optional(),
    locality: z.string().max(MAX_TEXT).optional(),
    region: z.string().max(MAX_TEXT).optional(),
    postal_code: z.union([z.string().max(MAX_TEXT), z.number()]).optional(),
    country: z.string().max(MAX_TEXT).optional(),
  })
  .refine((a) => Object.values(a).some((field) => field !== undefined && String(field).trim() !== ''));

/** SCIM and vendor profiles wrap multi-valued entries as `{ value, primary, type }`. */
const wrappedSchema = z.object({ value: z.union([z.string(), z.number(), z.boolean()]) });

function addressFromObject(raw: unknown): AddressValue | undefined {
  const parsed = addressSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(parsed.data)) {
    const text = field === undefined ? '' : String(field).trim();
    if (text !== '' && !isPlaceholder(text)) fields[key] = text;
  }
  const { formatted, ...parts } = fields;
  const built = formatted ?? [parts.street_address, [parts.postal_code, parts.locality].filter(Boolean).join(' '), parts.region, parts.country]
    .filter((part) => part !== undefined && part !== '')
    .join('\n');
  return built === '' ? undefined : { ...parts, formatted: built };
}

function toItem(raw: unknown): Item | undefined {
  if (typeof raw === 'string') return raw.length > MAX_TEXT || isPlaceholder(raw) ? undefined : raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : String(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const wrapped = wrappedSchema.safeParse(raw);
  if (wrapped.success) return toItem(wrapped.data.value);
  return addressFromObject(raw);
}

/** The pipeline's starting value; nested lists are flattened one level, placeholders removed. */
export function normaliseInput(raw: unknown): Outcome {
  if (raw === null || raw === undefined) return absent('the attribute has no value');
  if (!Array.isArray(raw)) {
    const item = toItem(raw);
    if (item !== undefined) return present(item);
    if (typeof raw !== 'string') return absent('the attribute value has an unusable shape');
    return absent(raw.length > MAX_TEXT ? `the attribute value is longer than ${MAX_TEXT} characters` : 'the attribute value is a placeholder');
  }
  if (raw.length > MAX_ITEMS) return absent(`the attribute has more than ${MAX_ITEMS} values`);
  const items: Item[] = [];
  for (const element of raw as unknown[]) {
    const inner: unknown[] = Array.isArray(element) ? (element as unknown[]).slice(0, MAX_ITEMS) : [element];
    for (const candidate of inner) {
      const item = toItem(candidate);
      if (item !== undefined) items.push(item);
    }
  }
  if (items.length === 0) return absent('the attribute has no usable values (all placeholders)');
  return present(items);
}
