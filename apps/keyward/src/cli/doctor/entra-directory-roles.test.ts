import { evaluateEntraDirectoryRoles } from './entra-directory-roles';
import type { EntraRoleAssignment } from './entra-directory-roles';

const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const AUTHENTICATION = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
const held = (roleDefinitionId: string, directoryScopeId = '/', displayName?: string): EntraRoleAssignment => ({ roleDefinitionId, directoryScopeId, displayName });

describe('Entra directory roles of the app', () => {
  it('a role that fits an action the policy does not enable is "not needed" (warning), never OK', () => {
    const findings = evaluateEntraDirectoryRoles({ read: { ok: true, assignments: [held(HELPDESK), held(AUTHENTICATION)] }, enabledActions: ['mfa_reset'] });
    expect(findings).toContainEqual(expect.objectContaining({ level: 'warning', check: 'directory role', detail: expect.stringMatching(/^Helpdesk Administrator \(tenant-wide\):.*Not needed/) }));
    expect(findings).toContainEqual({ area: 'Entra ID', check: 'directory roles', level: 'ok', detail: 'holds Authentication Administrator (tenant-wide)' });
  });

  it('a custom role is a warning that names it and its administrative unit', () => {
    const findings = evaluateEntraDirectoryRoles({ read: { ok: true, assignments: [held('0b1c2d3e-aaaa-bbbb-cccc-000000000001', '/administrativeUnits/au-9', 'Keyward resets')] }, enabledActions: [] });
    expect(findings).toEqual([{ area: 'Entra ID', check: 'directory role', level: 'warning', detail: expect.stringContaining('Keyward resets (administrative unit au-9): not a role Keyward needs') }]);
  });

  it('no role, and no enabled action needs one: OK', () => {
    expect(evaluateEntraDirectoryRoles({ read: { ok: true, assignments: [] }, enabledActions: ['session_revoke'] })).toEqual([{ area: 'Entra ID', check: 'directory roles', level: 'ok', detail: 'holds no directory role, and no enabled action needs one' }]);
  });

  it('an unreadable role list is a warning naming the permission and the roles the enabled actions need', () => {
    const [finding] = evaluateEntraDirectoryRoles({ read: { ok: false, reason: 'Graph answered 403 Authorization_RequestDenied' }, enabledActions: ['password_reset'] });
    expect(finding?.level).toBe('warning');
    expect(finding?.detail).toContain('Grant RoleManagement.Read.Directory');
    expect(finding?.detail).toContain('password resets: Helpdesk Administrator or User Administrator');
  });
});
