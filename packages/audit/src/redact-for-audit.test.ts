import { REDACTED, redactForAudit } from './redact-for-audit';

describe('redactForAudit', () => {
  it('masks secrets by key name, at any depth, keeping the key', () => {
    const input = {
      password: 'hunter2',
      tempPassword: 'Tmp-123',
      temporary_password: 'Tmp-456',
      resetPasswordUrl: 'https://example.okta.com/signin/reset-password/XE6wE17zmphl3KqAPFxO',
      activationToken: 'abc',
      clientSecret: 'cs',
      api_key: 'k',
      temporaryAccessPass: 'TAP-1',
      otp: '123456',
      nested: { deep: [{ sessionToken: 's', ok: 'visible' }] },
      oneTimeLink: 'https://example.com/x',
      headers: { Authorization: 'SSWS 00abc', Cookie: 'sid=1' },
    };
    const out = redactForAudit(input);
    expect(out).toEqual({
      password: REDACTED,
      tempPassword: REDACTED,
      temporary_password: REDACTED,
      resetPasswordUrl: REDACTED,
      activationToken: REDACTED,
      clientSecret: REDACTED,
      api_key: REDACTED,
      temporaryAccessPass: REDACTED,
      otp: REDACTED,
      nested: { deep: [{ sessionToken: REDACTED, ok: 'visible' }] },
      oneTimeLink: REDACTED,
      headers: { Authorization: REDACTED, Cookie: REDACTED },
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|Tmp-|XE6wE17|TAP-1|123456|00abc/);
  });

  it('masks a url field only when it looks like it carries a credential', () => {
    expect(redactForAudit({ url: 'https://idp.example.com/reset?token=abc' })).toEqual({ url: REDACTED });
    expect(redactForAudit({ recoveryUrl: 'https://x.example.com/r' })).toEqual({ recoveryUrl: REDACTED });
    expect(redactForAudit({ appUrl: 'https://figma.com' })).toEqual({ appUrl: 'https://figma.com' });
  });

  it('masks secret-looking values whatever the key', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const out = redactForAudit({ a: jwt, b: 'Bearer abc.def', c: '-----BEGIN PRIVATE KEY-----\nMII', d: ['fine', jwt] });
    expect(out).toEqual({ a: REDACTED, b: REDACTED, c: REDACTED, d: ['fine', REDACTED] });
  });

  it('masks a reset link embedded in free text and keeps the text', () => {
    const out = redactForAudit({ summary: 'Open https://acme.okta.com/signin/reset-password/XE6wE17 within 1h. Docs: https://docs.example.com/help' });
    expect(out.summary).toBe(`Open ${REDACTED} within 1h. Docs: https://docs.example.com/help`);
  });

  it('leaves ordinary parameters alone and does not mutate its input', () => {
    const input = { group: 'design-team', app: 'Figma', durationHours: 8, footprint: 'x', errorCode: 'idp.denied', at: new Date(0), none: null };
    const copy = { ...input };
    const out = redactForAudit(input);
    expect(out).toEqual(copy);
    expect(out).not.toBe(input);
    expect(out.at).toBeInstanceOf(Date);
    const withSecret = { password: 'p' };
    redactForAudit(withSecret);
    expect(withSecret.password).toBe('p');
  });

  it('passes undefined and primitives through', () => {
    expect(redactForAudit(undefined)).toBeUndefined();
    expect(redactForAudit(3)).toBe(3);
  });
});
