// Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace, `undefined` members left out.
// The same value always gives the same text, so a hash over it is stable across stores and runtimes.

export type JsonInput = string | number | boolean | null | JsonInput[] | { [key: string]: JsonInput | undefined };

export function canonicalJson(value: JsonInput): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const member = value[key];
        return member === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(member)}`];
      });
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot encode a ${typeof value}`);
}
