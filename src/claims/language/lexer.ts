/**
 * Tokens of the mapping language. Identifiers may contain dots (`address.locality`) so that targets are
 * one token; strings know exactly five escapes so that every literal has one canonical spelling.
 */
export type TokenKind = 'ident' | 'string' | 'int' | 'assign' | 'pipe' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** The decoded value of a string or int literal. */
  readonly value: string | number;
  readonly line: number;
  readonly column: number;
}

export class LanguageError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${line}:${column}: ${detail}`);
    this.name = 'LanguageError';
  }
}

export const STRING_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' };
const MAX_INT_DIGITS = 9;
const PUNCTUATION: Readonly<Record<string, TokenKind>> = { '|': 'pipe', '(': 'lparen', ')': 'rparen', ',': 'comma' };

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number) => ({ line, column: offset - lineStart + 1 });
  const fail = (offset: number, detail: string): never => {
    const { line: l, column } = at(offset);
    throw new LanguageError(l, column, detail);
  };
  while (index < source.length) {
    const char = source[index]!;
    if (char === '\n') {
      index += 1;
      line += 1;
      lineStart = index;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      index += 1;
      continue;
    }
    const start = index;
    const position = at(start);
    const punctuation = PUNCTUATION[char];
    if (punctuation) {
      tokens.push({ kind: punctuation, text: char, value: char, ...position });
      index += 1;
    } else if (char === ':') {
      if (source[index + 1] !== '=') fail(start, 'expected ":=" but found ":"');
      tokens.push({ kind: 'assign', text: ':=', value: ':=', ...position });
      index += 2;
    } else if (/[A-Za-z_]/u.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/u.exec(source.slice(index, index + 256))!;
      tokens.push({ kind: 'ident', text: match[0], value: match[0], ...position });
      index += match[0].length;
    } else if (/[0-9]/u.test(char)) {
      const digits = /^[0-9]+/u.exec(source.slice(index, index + 64))![0];
      if (digits.length > MAX_INT_DIGITS) fail(start, `integer literal too long (at most ${MAX_INT_DIGITS} digits)`);
      if (/[A-Za-z_]/u.test(source[index + digits.length] ?? '')) fail(start, `unexpected "${source[index + digits.length]}" after a number`);
      tokens.push({ kind: 'int', text: digits, value: Number(digits), ...position });
      index += digits.length;
    } else if (char === '"') {
      let value = '';
      index += 1;
      for (;;) {
        const next = source[index];
        if (next === undefined || next === '\n') fail(start, 'unterminated string literal');
        if (next === '"') break;
        if (next === '\\') {
          const escape = source[index + 1] ?? '';
          const decoded = STRING_ESCAPES[escape];
          if (decoded === undefined) fail(index, `unknown escape "\\${escape}" in a string (use \\", \\\\, \\n, \\r or \\t)`);
          value += decoded;
          index += 2;
          continue;
        }
        if (/[\u0000-\u001f\u007f]/u.test(next!)) fail(index, 'control character in a string literal (use an escape)');
        value += next;
        index += 1;
      }
      index += 1;
      tokens.push({ kind: 'string', text: source.slice(start, index), value, ...position });
    } else if (char === '=') {
      fail(start, 'expected ":=" but found "="');
    } else {
      fail(start, `unexpected character ${JSON.stringify(char)}`);
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', ...at(index) });
  return tokens;
}
