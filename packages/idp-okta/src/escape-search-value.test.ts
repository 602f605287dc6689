import { escapeSearchValue } from './escape-search-value';

describe('escapeSearchValue', () => {
  it('escapes backslash before quote so neither can end the literal', () => {
    expect(escapeSearchValue('a"b\\c')).toBe('a\\"b\\\\c');
    expect(escapeSearchValue('x\\" or status eq "ACTIVE')).toBe('x\\\\\\" or status eq \\"ACTIVE');
  });

  it('leaves ordinary emails alone', () => {
    expect(escapeSearchValue("o'brien+it@example.com")).toBe("o'brien+it@example.com");
  });

  it('refuses control characters', () => {
    expect(() => escapeSearchValue('a\nb')).toThrow(RangeError);
  });
});
