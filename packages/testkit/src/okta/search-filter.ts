/**
 * A small evaluator for the subset of Okta's user `search`/`filter` expressions the adapter sends:
 * `attr eq "value"` comparisons joined by `and` / `or` (and binds tighter), optional parentheses.
 * Facts (developer.okta.com "Filter" and listUsers `search` docs): property names are case-sensitive;
 * operators and string values are case-insensitive; string literals are double-quoted with `\"` and
 * `\\` as escapes. Anything else is rejected, as Okta does, with E0000031 "Invalid search criteria".
 */
export type SearchExpression =
  | { kind: 'eq'; attribute: string; value: string }
  | { kind: 'and' | 'or'; left: SearchExpression; right: SearchExpression };

export class InvalidSearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSearchError';
  }
}

type Token = { type: 'word'; text: string } | { type: 'string'; text: string } | { type: 'paren'; text: '(' | ')' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ type: 'paren', text: ch });
      i += 1;
    } else if (ch === '"') {
      let text = '';
      i += 1;
      let closed = false;
      while (i < input.length) {
        const c = input[i] as string;
        if (c === '\\') {
          const next = input[i + 1];
          if (next !== '"' && next !== '\\') throw new InvalidSearchError(`bad escape at ${i}`);
          text += next;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i += 1;
          break;
        } else {
          text += c;
          i += 1;
        }
      }
      if (!closed) throw new InvalidSearchError('unterminated string literal');
      tokens.push({ type: 'string', text });
    } else {
      let text = '';
      while (i < input.length && !/[\s()"]/.test(input[i] as string)) {
        text += input[i];
        i += 1;
      }
      tokens.push({ type: 'word', text });
    }
  }
  return tokens;
}

export function parseSearch(input: string): SearchExpression {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, word: string): boolean => t?.type === 'word' && t.text.toLowerCase() === word;

  function parseOr(): SearchExpression {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): SearchExpression {
    let left = parsePrimary();
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  }
  function parsePrimary(): SearchExpression {
    const t = peek();
    if (t?.type === 'paren' && t.text === '(') {
      pos += 1;
      const inner = parseOr();
      const close = peek();
      if (close?.type !== 'paren' || close.text !== ')') throw new InvalidSearchError('missing )');
      pos += 1;
      return inner;
    }
    const attr = tokens[pos];
    const op = tokens[pos + 1];
    const value = tokens[pos + 2];
    if (attr?.type !== 'word' || !/^[A-Za-z][A-Za-z0-9_.]*$/.test(attr.text)) throw new InvalidSearchError('expected an attribute');
    if (!isWord(op, 'eq')) throw new InvalidSearchError(`unsupported operator ${op?.text ?? '(none)'}`);
    if (value?.type !== 'string') throw new InvalidSearchError('expected a quoted value');
    pos += 3;
    return { kind: 'eq', attribute: attr.text, value: value.text };
  }

  if (tokens.length === 0) throw new InvalidSearchError('empty search');
  const expr = parseOr();
  if (pos !== tokens.length) throw new InvalidSearchError(`unexpected ${tokens[pos]?.text ?? ''}`);
  return expr;
}

/** `lookup` returns the attribute's value for a candidate (undefined when absent). */
export function matchesSearch(expr: SearchExpression, lookup: (attribute: string) => string | undefined): boolean {
  if (expr.kind === 'eq') {
    const actual = lookup(expr.attribute);
    return actual !== undefined && actual.toLowerCase() === expr.value.toLowerCase();
  }
  const left = matchesSearch(expr.left, lookup);
  return expr.kind === 'and' ? left && matchesSearch(expr.right, lookup) : left || matchesSearch(expr.right, lookup);
}
