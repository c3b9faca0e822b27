/**
 * Parser of mapping programs into the typed AST, checking names, arities and argument kinds as it goes so
 * that a parsed program can always run. Errors carry the position and say what was expected.
 */
import type { Argument, Call, Program } from './ast.ts';
import { FUNCTIONS_BY_NAME } from './functions/index.ts';
import type { ParamSpec } from './functions/types.ts';
import { LanguageError, tokenize, type Token, type TokenKind } from './lexer.ts';
import { checkLiteral } from './literals.ts';
import { didYouMean } from './suggest.ts';
import { FORBIDDEN_TARGETS, TARGET_NAMES, isTargetName } from './target-names.ts';

export { LanguageError } from './lexer.ts';
export { print } from './printer.ts';

export const MAX_PROGRAM_LENGTH = 4096;

const DESCRIBE: Readonly<Record<TokenKind, string>> = {
  ident: 'a name',
  string: 'a string',
  int: 'an integer',
  assign: '":="',
  pipe: '"|"',
  lparen: '"("',
  rparen: '")"',
  comma: '","',
  end: 'the end of the program',
};

function describe(token: Token): string {
  return token.kind === 'ident' || token.kind === 'string' || token.kind === 'int' ? `${DESCRIBE[token.kind]} ${token.text}` : DESCRIBE[token.kind];
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private fail(token: Token, detail: string): never {
    throw new LanguageError(token.line, token.column, detail);
  }

  private expect(kind: TokenKind, context: string): Token {
    const token = this.next();
    if (token.kind !== kind) this.fail(token, `expected ${DESCRIBE[kind]} ${context}, found ${describe(token)}`);
    return token;
  }

  program(): Program {
    const head = this.next();
    if (head.kind !== 'ident') this.fail(head, `expected a target or "drop", found ${describe(head)}`);
    if (head.text === 'drop') {
      this.expect('end', 'after "drop"');
      return { kind: 'drop' };
    }
    const target = head.text;
    const forbidden = FORBIDDEN_TARGETS.get(target);
    if (forbidden) this.fail(head, `unknown target "${target}": ${forbidden}`);
    if (!isTargetName(target)) this.fail(head, `unknown target "${target}"${didYouMean(target, TARGET_NAMES)}`);
    this.expect('assign', `after the target "${target}"`);
    const input = this.next();
    if (input.kind !== 'ident' || input.text !== 'v') this.fail(input, `expected "v" (the attribute value) after ":=", found ${describe(input)}`);
    const pipeline: Call[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === 'end') break;
      if (token.kind !== 'pipe') this.fail(token, `expected "|" or the end of the program, found ${describe(token)}`);
      pipeline.push(this.call(false));
    }
    return { kind: 'map', target, pipeline };
  }

  private call(insideEach: boolean): Call {
    const nameToken = this.next();
    if (nameToken.kind !== 'ident') this.fail(nameToken, `expected a function name, found ${describe(nameToken)}`);
    const name = nameToken.text;
    const spec = FUNCTIONS_BY_NAME.get(name);
    if (name === 'drop') this.fail(nameToken, '"drop" is a whole program, not a function: write just "drop"');
    if (!spec) this.fail(nameToken, `unknown function "${name}"${didYouMean(name, FUNCTIONS_BY_NAME.keys())}`);
    if (insideEach && spec.shape !== 'item') {
      this.fail(nameToken, `"${name}" works on a whole list and cannot be used inside each(...)`);
    }
    const args: Argument[] = [];
    const open = this.peek();
    if (open.kind === 'lparen') {
      this.next();
      if (this.peek().kind === 'rparen') this.fail(this.peek(), `empty argument list: write "${name}" without parentheses`);
      for (;;) {
        const param = spec.params[args.length];
        if (!param) this.fail(this.peek(), `too many arguments: "${name}" takes ${this.arity(spec.params)}`);
        args.push(this.argument(name, param));
        const separator = this.next();
        if (separator.kind === 'rparen') break;
        if (separator.kind !== 'comma') this.fail(separator, `expected "," or ")" in the arguments of "${name}", found ${describe(separator)}`);
      }
    }
    const required = spec.params.filter((param) => !param.optional).length;
    if (args.length < required) {
      this.fail(open.kind === 'lparen' ? open : nameToken, `"${name}" takes ${this.arity(spec.params)}, got ${args.length}`);
    }
    return { name, args };
  }

  private arity(params: readonly ParamSpec[]): string {
    if (params.length === 0) return 'no arguments';
    const names = params.map((param) => (param.optional ? `[${param.name}]` : param.name)).join(', ');
    const count = params.length === 1 ? '1 argument' : `${params.length} arguments`;
    return `${count} (${names})`;
  }

  private argument(functionName: string, param: ParamSpec): Argument {
    const token = this.peek();
    if (param.kind === 'call') {
      if (token.kind !== 'ident') this.fail(token, `"${functionName}" expects a function as its ${param.name}, found ${describe(token)}`);
      if (token.text === functionName) this.fail(token, `"${functionName}" cannot be nested inside itself`);
      return { kind: 'call', call: this.call(true) };
    }
    this.next();
    if (param.kind === 'int') {
      if (token.kind !== 'int') this.fail(token, `"${functionName}" expects an integer as its ${param.name}, found ${describe(token)}`);
      const problem = checkLiteral(param, token.value);
      if (problem) this.fail(token, `${functionName}: ${problem}`);
      return { kind: 'int', value: Number(token.value) };
    }
    if (token.kind !== 'string') this.fail(token, `"${functionName}" expects a string as its ${param.name}, found ${describe(token)}`);
    const problem = checkLiteral(param, token.value);
    if (problem) this.fail(token, `${functionName}: ${problem}`);
    return { kind: 'string', value: String(token.value) };
  }
}

/** Parses a program, throwing a LanguageError whose message starts with `line:column:`. */
export function parse(source: string): Program {
  if (source.length > MAX_PROGRAM_LENGTH) throw new LanguageError(1, 1, `program too long (at most ${MAX_PROGRAM_LENGTH} characters)`);
  return new Parser(tokenize(source)).program();
}
