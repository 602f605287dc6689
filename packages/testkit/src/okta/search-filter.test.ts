import { InvalidSearchError, matchesSearch, parseSearch } from './search-filter';

const alice: Record<string, string> = { 'profile.email': 'Alice@Example.com', 'profile.login': 'alice.w', status: 'ACTIVE' };
const lookup = (attr: string): string | undefined => alice[attr];

describe('parseSearch / matchesSearch', () => {
  it('compares email case-insensitively', () => {
    expect(matchesSearch(parseSearch('profile.email eq "alice@example.com"'), lookup)).toBe(true);
    expect(matchesSearch(parseSearch('profile.email eq "bob@example.com"'), lookup)).toBe(false);
  });

  it('reads escaped quotes and backslashes inside a literal', () => {
    const expr = parseSearch('profile.login eq "a\\"b\\\\c"');
    expect(expr).toEqual({ kind: 'eq', attribute: 'profile.login', value: 'a"b\\c' });
  });

  it('does not let an injected quote widen the search', () => {
    // What a naive, unescaped interpolation of `x" or profile.login sw "` would have produced is an
    // error here (sw is unsupported); the escaped form is one literal that matches nobody.
    const escaped = parseSearch('profile.email eq "x\\" or status eq \\"ACTIVE"');
    expect(matchesSearch(escaped, lookup)).toBe(false);
    expect(matchesSearch(parseSearch('profile.email eq "x" or status eq "ACTIVE"'), lookup)).toBe(true);
  });

  it('supports and/or with parentheses', () => {
    expect(matchesSearch(parseSearch('(profile.login eq "nobody" or profile.login eq "ALICE.W") and status eq "active"'), lookup)).toBe(true);
  });

  it.each(['', 'profile.email sw "a"', 'profile.email eq alice', 'profile.email eq "open', 'profile.email eq "a" junk', 'profile.email eq "\\n"'])(
    'rejects %j',
    (input) => {
      expect(() => parseSearch(input)).toThrow(InvalidSearchError);
    },
  );
});
