import { buildAuditChain } from '../audit-test-events';
import { escapeCefExtensionValue, escapeCefHeader, formatCef } from './cef-format';

describe('CEF', () => {
  it('escapes pipes and backslashes in the header, and folds line breaks', () => {
    expect(escapeCefHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
  });

  it('escapes backslash, equals and line breaks in extension values, but not pipes', () => {
    expect(escapeCefExtensionValue('x=1\\2|3\r\n4\r5')).toBe('x\\=1\\\\2|3\\n4\\r5');
  });

  it('writes one parseable line whose injected separators stay inside their field', () => {
    const [record] = buildAuditChain(1);
    const hostile = { ...record!, type: 'request.succeeded|9|evil', outcome: 'ok act=forged\nCEF:0|x', requestId: 'rq=1' };
    const line = formatCef(hostile, { productVersion: '0.1.0' });
    expect(line.split('\n')).toHaveLength(1);
    // Header: seven fields, then the extension (which begins with rt=); the pipe injected into the
    // extension value stays there (pipes need no escaping in the extension).
    const fields = line.split(/(?<!\\)\|/);
    expect(fields.slice(0, 7)).toEqual(['CEF:0', 'Keyward', 'Keyward', '0.1.0', 'request.succeeded\\|9\\|evil', 'request.succeeded\\|9\\|evil password_reset', '3']);
    expect(fields[7]).toMatch(/^rt=\d+ /);
    expect(line).toContain('outcome=ok act\\=forged\\nCEF:0|x');
    expect(line).toContain('externalId=rq\\=1');
    expect(line).toMatch(/^CEF:0\|Keyward\|Keyward\|0\.1\.0\|request\.succeeded\\\|9\\\|evil\|/);
  });

  it('carries seq and hash so the SIEM can check the chain, and drops labels without values', () => {
    const [record] = buildAuditChain(1);
    const line = formatCef(record!, { productVersion: '0.1.0' });
    expect(line).toContain(`cn1Label=auditSeq cn1=1`);
    expect(line).toContain(`cs3Label=auditHash cs3=${record!.hash}`);
    expect(line).not.toContain('cs2Label');
  });
});
