import { evaluateOktaManagerAttributes } from './okta-manager-attribute';

/** A user schema as getUserSchema returns it, with the given base properties. */
const schema = (base: Record<string, unknown>, custom: Record<string, unknown> = {}): unknown => ({ definitions: { base: { id: '#base', properties: base }, custom: { id: '#custom', properties: custom } } });
const self = (...actions: string[]): { permissions: { principal: string; action: string }[] } => ({ permissions: actions.map((action) => ({ principal: 'SELF', action })) });
const level = (findings: ReturnType<typeof evaluateOktaManagerAttributes>, attribute: string): string | undefined => findings.find((f) => f.check === `manager attribute ${attribute}`)?.level;

describe('Okta manager attributes in the user schema', () => {
  it('a READ_WRITE among several SELF entries is still critical', () => {
    const findings = evaluateOktaManagerAttributes({ ok: true, schema: schema({ managerId: self('READ_ONLY', 'READ_WRITE'), manager: self('HIDE') }) });
    expect(level(findings, 'managerId')).toBe('critical');
    expect(level(findings, 'manager')).toBe('ok');
  });

  it('an attribute with no SELF permission (or only other principals) is a warning to check by hand, never OK', () => {
    const findings = evaluateOktaManagerAttributes({ ok: true, schema: schema({ managerId: { permissions: [{ principal: 'ADMIN', action: 'READ_WRITE' }] }, manager: {} }) });
    expect(level(findings, 'managerId')).toBe('warning');
    expect(level(findings, 'manager')).toBe('warning');
    expect(findings[0]?.detail).toContain('no SELF entry');
  });

  it('reads custom attributes too, and an attribute absent from the schema is only info', () => {
    const findings = evaluateOktaManagerAttributes({ ok: true, schema: schema({}, { managerId: self('READ_WRITE') }) });
    expect(level(findings, 'managerId')).toBe('critical');
    expect(level(findings, 'manager')).toBe('info');
  });

  it('an unreadable schema is one warning, not an OK', () => {
    expect(evaluateOktaManagerAttributes({ ok: false, reason: 'x answered 403' })).toEqual([expect.objectContaining({ check: 'manager attributes', level: 'warning' })]);
  });
});
