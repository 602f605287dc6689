import { escapeSdParamValue, formatSyslog5424, frameOctetCounted, parseOctetCounted } from './syslog-5424';

describe('RFC 5424', () => {
  const at = new Date('2025-01-02T03:04:05.678Z');

  it('writes PRI, version, timestamp, header fields and structured data', () => {
    const line = formatSyslog5424({ severity: 6, timestamp: at, hostname: 'host one', appName: 'keyward', procId: '42', msgId: 'request.succeeded', structuredData: [{ id: 'keyward@32473', params: { seq: 7, hash: 'ab"c]d\\' } }], message: 'CEF:0|x' });
    // facility 13 (log audit) * 8 + 6 = 110
    expect(line).toBe('<110>1 2025-01-02T03:04:05.678Z hostone keyward 42 request.succeeded [keyward@32473 seq="7" hash="ab\\"c\\]d\\\\"] CEF:0|x');
  });

  it('uses the NILVALUE for empty fields and truncates MSGID to 32 characters', () => {
    const line = formatSyslog5424({ severity: 2, timestamp: at, hostname: '', appName: 'k', msgId: 'x'.repeat(40), message: 'm' });
    expect(line).toBe(`<106>1 2025-01-02T03:04:05.678Z - k - ${'x'.repeat(32)} - m`);
  });

  it('escapes the three SD-PARAM specials only', () => {
    expect(escapeSdParamValue('a"b\\c]d=e')).toBe('a\\"b\\\\c\\]d=e');
  });

  it('frames by byte count (multi-byte characters and newlines included) and splits a stream back', () => {
    const a = frameOctetCounted('héllo\nworld');
    expect(a.toString('utf8').startsWith('12 ')).toBe(true);
    const stream = Buffer.concat([a, frameOctetCounted('second')]);
    const { messages, rest } = parseOctetCounted(Buffer.concat([stream, Buffer.from('5 ab')]));
    expect(messages).toEqual(['héllo\nworld', 'second']);
    expect(rest.toString()).toBe('5 ab');
  });
});
