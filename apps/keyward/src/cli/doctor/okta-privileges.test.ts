import type { DoctorFinding } from './doctor-finding';
import { evaluateOktaAdminRoles } from './okta-admin-roles';
import { evaluateOktaPrivileges } from './okta-privileges';

/** The default policy's self-service actions (everything but privileged access). */
const DEFAULT_ACTIONS = ['password_reset', 'account_unlock', 'session_revoke', 'mfa_reset', 'group_membership_add', 'group_membership_remove', 'app_access_request', 'conditional_access_change'];
const RESETS = ['password_reset', 'account_unlock', 'session_revoke'];
const USER_SCOPES = ['okta.users.read', 'okta.users.manage', 'okta.roles.read'];
const DEFAULT_SCOPES = [...USER_SCOPES, 'okta.groups.read', 'okta.groups.manage', 'okta.apps.read', 'okta.apps.manage'];

const serviceApp = (scopes: string[], roles: string[], enabledActions: string[]): DoctorFinding[] =>
  evaluateOktaPrivileges({ authKind: 'service_app', principal: '0oakeyward', scopes, roles, enabledActions });
const find = (findings: DoctorFinding[], check: string): DoctorFinding | undefined => findings.find((f) => f.check === check);

describe('Okta scopes against the policy', () => {
  it('the old README scopes with the default policy: group and app scopes missing, critical', () => {
    const findings = serviceApp(USER_SCOPES, ['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN', 'APP_ADMIN'], DEFAULT_ACTIONS);
    const missing = find(findings, 'scopes: missing');
    expect(missing?.level).toBe('critical');
    expect(missing?.detail).toMatch(/^okta\.groups\.read, okta\.groups\.manage, okta\.apps\.read, okta\.apps\.manage — needed by group_membership, app_access/);
    expect(find(findings, 'scopes: required')).toBeUndefined();
  });

  it("Terraform's grant with the default policy: okta.groups.manage and okta.apps.manage are required, never \"not needed\"", () => {
    const findings = serviceApp([...DEFAULT_SCOPES, 'okta.schemas.read'], ['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN'], DEFAULT_ACTIONS);
    expect(find(findings, 'scopes: required')).toEqual({ area: 'Okta', check: 'scopes: required', level: 'ok', detail: [...DEFAULT_SCOPES].sort().join(', ') });
    expect(findings.filter((f) => f.check.startsWith('scope '))).toEqual([{ area: 'Okta', check: 'scope okta.userRisk.read', level: 'info', detail: expect.stringContaining('user risk reads as "unknown"') }]);
  });

  it('a scope for an action the policy does not enable is "not needed" (a .manage one a warning)', () => {
    const findings = serviceApp([...USER_SCOPES, 'okta.groups.manage', 'okta.apps.read'], ['HELP_DESK_ADMIN'], RESETS);
    expect(find(findings, 'scope okta.groups.manage')).toMatchObject({ level: 'warning', detail: expect.stringContaining('not needed') });
    expect(find(findings, 'scope okta.apps.read')).toMatchObject({ level: 'info', detail: expect.stringContaining('not needed') });
    expect(find(findings, 'scopes: required')?.level).toBe('ok');
  });

  it("a resource's .manage scope covers its .read (Okta accepts it), and a granted .read beside it is not flagged", () => {
    const covered = serviceApp(['okta.users.manage', 'okta.roles.read', 'okta.groups.manage'], ['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN'], ['group_membership_add']);
    expect(find(covered, 'scopes: required')?.level).toBe('ok');
    const both = serviceApp([...USER_SCOPES, 'okta.groups.read', 'okta.groups.manage'], ['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN'], ['group_membership_add']);
    expect(both.filter((f) => f.check.startsWith('scope okta.groups'))).toEqual([]);
  });

  it('a scope that changes who is an admin stays critical whatever the policy enables', () => {
    expect(find(serviceApp([...DEFAULT_SCOPES, 'okta.roles.manage'], ['HELP_DESK_ADMIN'], DEFAULT_ACTIONS), 'scope okta.roles.manage')?.level).toBe('critical');
  });
});

describe('Okta admin roles against the policy', () => {
  const roles = (held: string[], enabledActions: string[]): DoctorFinding[] => evaluateOktaAdminRoles({ principal: '0oakeyward', roles: held, enabledActions });

  it('refuses Help Desk Administrator alone when group joins and app access are enabled: critical, naming the role and the custom-role permissions', () => {
    const findings = roles(['HELP_DESK_ADMIN'], DEFAULT_ACTIONS);
    expect(find(findings, 'role HELP_DESK_ADMIN')?.level).toBe('ok');
    const groups = find(findings, 'admin role: group_membership');
    expect(groups?.level).toBe('critical');
    expect(groups?.detail).toContain('Okta will refuse it (403 E0000006)');
    expect(groups?.detail).toContain('Assign Group Membership Administrator (GROUP_MEMBERSHIP_ADMIN) or a custom role with okta.groups.read, okta.groups.members.manage, okta.users.groupMembership.manage');
    expect(find(findings, 'admin role: app_access')).toMatchObject({ level: 'critical', detail: expect.stringContaining('Assign Application Administrator (APP_ADMIN) or a custom role with okta.apps.read, okta.apps.assignment.manage') });
    expect(find(findings, 'admin role: password_reset')).toBeUndefined();
    expect(find(findings, 'admin roles: needed')?.detail).toContain('password reset (one-time link): Help Desk Administrator (HELP_DESK_ADMIN)');
  });

  it('Help Desk + Group Membership + Application Administrator can do everything: no missing role; App Admin is a warning (broader)', () => {
    const findings = roles(['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN', 'APP_ADMIN'], DEFAULT_ACTIONS);
    expect(findings.filter((f) => f.check.startsWith('admin role:'))).toEqual([]);
    expect(find(findings, 'role GROUP_MEMBERSHIP_ADMIN')?.level).toBe('ok');
    expect(find(findings, 'role APP_ADMIN')).toMatchObject({ level: 'warning', detail: expect.stringContaining('okta.apps.assignment.manage is tighter') });
    expect(findings.some((f) => f.level === 'critical')).toBe(false);
  });

  it('a role that fits only actions the policy does not enable is "not needed" (warning), never OK', () => {
    const findings = roles(['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN'], RESETS);
    expect(find(findings, 'role GROUP_MEMBERSHIP_ADMIN')).toMatchObject({ level: 'warning', detail: expect.stringContaining('Not needed') });
    expect(find(findings, 'role HELP_DESK_ADMIN')?.level).toBe('ok');
  });

  it('with a custom role the doctor cannot read, an uncovered action is a warning that lists the permissions, not critical', () => {
    const findings = roles(['CUSTOM'], DEFAULT_ACTIONS);
    expect(find(findings, 'admin role: group_membership')).toMatchObject({ level: 'warning', detail: expect.stringContaining('the custom role must hold okta.groups.read, okta.groups.members.manage, okta.users.groupMembership.manage') });
    expect(findings.some((f) => f.level === 'critical')).toBe(false);
  });

  it('keeps SUPER_ADMIN and ORG_ADMIN critical even though they allow every action', () => {
    const findings = roles(['SUPER_ADMIN', 'ORG_ADMIN'], DEFAULT_ACTIONS);
    expect(find(findings, 'role SUPER_ADMIN')?.level).toBe('critical');
    expect(find(findings, 'role ORG_ADMIN')?.level).toBe('critical');
    expect(findings.filter((f) => f.check.startsWith('admin role:'))).toEqual([]);
  });

  it('no admin role at all: critical, and every enabled write is named', () => {
    const findings = roles([], RESETS);
    expect(find(findings, 'admin roles')?.level).toBe('critical');
    expect(findings.filter((f) => f.check.startsWith('admin role:')).map((f) => [f.check, f.level])).toEqual([
      ['admin role: password_reset', 'critical'],
      ['admin role: account_unlock', 'critical'],
      ['admin role: session_revoke', 'critical'],
    ]);
  });
});
