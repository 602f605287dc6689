import { Writable } from 'node:stream';
import { createLogger } from './create-logger';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n') };
}

const RESET_URL = 'https://acme.okta.com/signin/reset-password/XE6wE17zmphl3KqAPFxO';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxIn0.c2lnbmF0dXJlLXZhbHVl';

describe('createLogger redaction', () => {
  it('never writes a reset URL or a token, wherever it is put', () => {
    const out = capture();
    const logger = createLogger('debug', out.stream);
    logger.info({ resetPasswordUrl: RESET_URL }, 'top-level key');
    logger.info({ result: { secret: { kind: 'reset_link', value: RESET_URL } } }, 'nested three levels deep');
    logger.info({ link: RESET_URL, recoveryUri: RESET_URL }, 'unlisted key names');
    logger.info({ note: `open ${RESET_URL} within the hour` }, 'inside free text');
    logger.info({}, `message text carrying ${RESET_URL}`);
    logger.warn({ headers: { authorization: 'SSWS 00abcdefSECRETTOKEN' }, auth: `Bearer ${JWT}`, idToken: JWT }, 'credentials');
    logger.error({ err: new Error(`call failed for ${RESET_URL}`) }, 'error objects');
    logger.child({ requestId: 'rq_1' }).info({ deep: { deeper: { deepest: { activationToken: 'tok-123456' } } } }, 'child logger');
    const text = out.lines().join('\n');
    expect(out.lines()).toHaveLength(8);
    expect(text).not.toContain('XE6wE17zmphl3KqAPFxO');
    expect(text).not.toContain('SECRETTOKEN');
    expect(text).not.toContain('c2lnbmF0dXJlLXZhbHVl');
    expect(text).not.toContain('tok-123456');
    // What stays is useful: messages, request ids, the error's type and non-secret text.
    expect(text).toContain('"requestId":"rq_1"');
    expect(text).toContain('"msg":"message text carrying [REDACTED]"');
    expect(text).toContain('"message":"call failed for [REDACTED]"');
  });

  it('masks extra paths from configuration (LOG_REDACT_PATHS)', () => {
    const out = capture();
    createLogger('info', out.stream, { redactPaths: ['user.ssn'] }).info({ user: { ssn: '123-45-6789', name: 'Alice' } }, 'x');
    expect(out.lines()[0]).not.toContain('123-45-6789');
    expect(out.lines()[0]).toContain('Alice');
  });
});
