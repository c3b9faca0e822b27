/**
 * Turns (protocol, normalised name, hints, value evidence, value) into the encoder's input tokens.
 * The same code builds training data and runtime inputs, so Python never re-implements it.
 */
import { SHAPES, type Evidence, type RawValue } from './evidence.ts';
import { TARGETS } from './program.ts';

export const PROTOCOLS = ['oidc', 'saml', 'ldap', 'scim', 'wsfed', 'other'] as const;
export const MAX_WORDS = 8;
export const MAX_VALUE_CHARS = 12;
export const MAX_INPUT = 1 + 2 * MAX_WORDS + 1 + 3 + 1 + SHAPES.length + 3 + 1 + MAX_VALUE_CHARS;

/** Word prefix token: unseen words often share their first letters with known ones (cellular/cell). */
export function prefixToken(word: string): string {
  return `X:${word.slice(0, 4)}`;
}

const CHARS = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

/** Fixed part of the input vocabulary; `W:` word tokens are appended from the training names. */
export function baseInputVocab(): string[] {
  return [
    '<pad>', '<unk>', '<sep>', 'W:<unk>',
    ...PROTOCOLS.map((p) => `P:${p}`),
    ...['drop', ...TARGETS].map((t) => `H:${t}`),
    ...SHAPES.map((s) => `E:${s}`), 'E:json_bool', 'E:json_number', 'E:json_array',
    ...CHARS.map((c) => `V:${c}`), 'V:\n', 'V:<alpha>', 'V:<other>',
  ];
}

export function protocolToken(protocol: string): string {
  const p = protocol.toLowerCase().replace(/[^a-z]/g, '');
  if (p === 'oauth' || p === 'oauth2' || p === 'openid' || p === 'oidc' || p === 'openidconnect') return 'P:oidc';
  if (p === 'wsfederation' || p === 'wsfed' || p === 'adfs') return 'P:wsfed';
  return (PROTOCOLS as readonly string[]).includes(p) ? `P:${p}` : 'P:other';
}

/** `wordVocab` holds the known `W:` and `X:` tokens. */
export function inputTokens(protocol: string, words: readonly string[], hints: readonly string[], ev: Evidence, value: RawValue, wordVocab: ReadonlySet<string>): string[] {
  const out = [protocolToken(protocol)];
  for (const w of words.slice(0, MAX_WORDS)) {
    out.push(wordVocab.has(`W:${w}`) ? `W:${w}` : 'W:<unk>');
    if (w.length > 4 && wordVocab.has(prefixToken(w))) out.push(prefixToken(w));
  }
  out.push('<sep>');
  for (const h of hints.slice(0, 3)) out.push(`H:${h}`);
  out.push('<sep>');
  for (const s of SHAPES) if (ev.shapes.has(s)) out.push(`E:${s}`);
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'boolean') out.push('E:json_bool');
  if (typeof first === 'number') out.push('E:json_number');
  if (Array.isArray(value)) out.push('E:json_array');
  out.push('<sep>');
  for (const c of [...(ev.items[0] ?? '')].slice(0, MAX_VALUE_CHARS)) {
    const code = c.codePointAt(0) ?? 0;
    out.push(code >= 32 && code < 127 ? `V:${c}` : c === '\n' ? 'V:\n' : /\p{L}/u.test(c) ? 'V:<alpha>' : 'V:<other>');
  }
  return out;
}
