import { sanitizeText } from './sanitize-text';

describe('sanitizeText', () => {
  it('removes NUL and control characters but keeps newlines, tabs and real emoji', () => {
    expect(sanitizeText('reset my password \u0000 please\u0007')).toBe('reset my password  please');
    expect(sanitizeText('line one\nline\ttwo 👋')).toBe('line one\nline\ttwo 👋');
  });

  it('replaces unpaired surrogates, which PostgreSQL jsonb rejects', () => {
    expect(sanitizeText('unlock me \ud800')).toBe('unlock me \ufffd');
    expect(sanitizeText('\udfff x')).toBe('\ufffd x');
    expect(JSON.parse(JSON.stringify(sanitizeText('a\ud800b\udc00c')))).toBe('a\ufffdb\ufffdc');
  });
});
