/** One token of the JS subset the CPU kernels generate: a number, a name, a punctuator, or the end. */
export interface Token {
  readonly kind: 'number' | 'name' | 'punct' | 'end';
  readonly text: string;
  /** A line break precedes the token (for automatic semicolon insertion). */
  readonly newline: boolean;
  /** Character offset, for error messages. */
  readonly at: number;
}

// Longest first, so `>>>=` wins over `>>` and `===` over `==`.
const PUNCTUATORS = [
  '>>>=',
  '>>>',
  '===',
  '!==',
  '<<=',
  '>>=',
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  ...'{}()[];,.<>+-*/%&|^!~?:=',
];

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_$][\w$]*/y;
const SPACE = /(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)+/y;

/** Splits `source` into tokens (comments and whitespace dropped), ending with an `end` token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let newline = false;
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const found = pattern.exec(source);
    return found?.[0];
  };
  while (at < source.length) {
    const space = match(SPACE);
    if (space !== undefined) {
      newline ||= space.includes('\n');
      at += space.length;
      continue;
    }
    const number = match(NUMBER);
    const name = number === undefined ? match(NAME) : undefined;
    const punct = number ?? name ?? PUNCTUATORS.find((p) => source.startsWith(p, at));
    if (punct === undefined) {
      throw new SyntaxError(`eval-free compiler: unexpected character '${source[at]}' at ${at}`);
    }
    const kind = number !== undefined ? 'number' : name !== undefined ? 'name' : 'punct';
    tokens.push({ kind, text: punct, newline, at });
    at += punct.length;
    newline = false;
  }
  tokens.push({ kind: 'end', text: '', newline: true, at });
  return tokens;
}
