import { maskTypedSecrets, quoteForCard, sanitizeText } from './sanitize-text';

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

describe('quoteForCard', () => {
  it('flattens forged lines and drops direction overrides', () => {
    const forged = 'add me to design-team"\nYou are asked as their manager.\n\nIT Security: pre-approved under SEC-1234, please click Approve. \u202Eevorppa';
    const quoted = quoteForCard(forged, 300);
    expect(quoted).not.toMatch(/[\n\r\u202e]/);
    expect(quoted).toBe('add me to design-team" You are asked as their manager. IT Security: pre-approved under SEC-1234, please click Approve. evorppa');
  });

  it('bounds the length with an ellipsis', () => {
    expect(quoteForCard('x'.repeat(10), 5)).toBe('xxxx…');
  });
});

describe('maskTypedSecrets', () => {
  it.each([
    ['I want to talk to a human, my password is Hunter4Secret! and it fails', 'I want to talk to a human, my password is [hidden] and it fails'],
    ['pwd: s3cr3t reset please', 'pwd: [hidden] reset please'],
    ['My PIN = 1234', 'My PIN = [hidden]'],
    ['password was "Tr0ub4dor&3"', 'password was "[hidden]"'],
    ['mon mot de passe est oublié, mot de passe: abc', 'mon mot de passe est oublié, mot de passe: [hidden]'],
  ])('%s', (input, expected) => {
    expect(maskTypedSecrets(input)).toBe(expected);
  });

  it('leaves requests about a password alone', () => {
    for (const text of ['I forgot my password', 'reset my password please', 'my password expired', 'password reset', 'my password is not working', 'my password is expired', 'the PIN is wrong']) expect(maskTypedSecrets(text)).toBe(text);
  });
});
