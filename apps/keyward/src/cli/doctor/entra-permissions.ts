import type { DoctorFinding } from './doctor-finding';

/**
 * THE list of Microsoft Graph application permissions Keyward needs, per action (least privilege).
 * `keyward doctor` compares the Graph token's `roles` claim with it, and README "Entra ID" shows the
 * same table — entra-permissions.test.ts fails when the two drift apart.
 *
 * `required` must be granted when the action is enabled (self-service in the policy); `optional`
 * ones add a feature that degrades gracefully (risk reads without Entra ID P2, reporting a suspected
 * compromise to Identity Protection).
 */
export interface EntraActionPermissions {
  /** Row label in the README table. */
  label: string;
  required: readonly string[];
  optional?: readonly string[];
  /** Directory role the app's service principal must hold as well (Graph permissions alone are not enough). */
  directoryRole?: string;
}

export const ENTRA_PERMISSIONS_BY_ACTION = {
  lookup: { label: 'look-ups (users, groups, manager)', required: ['User.Read.All', 'GroupMember.Read.All'] },
  admin_role_check: { label: 'admin-role check', required: ['RoleManagement.Read.Directory'] },
  risk: { label: 'risk', required: [], optional: ['IdentityRiskyUser.Read.All'] },
  password_reset: { label: 'password reset (temporary password)', required: ['User-PasswordProfile.ReadWrite.All'], directoryRole: 'Helpdesk Administrator or User Administrator' },
  session_revoke: { label: 'sign out everywhere', required: ['User.RevokeSessions.All'], optional: ['IdentityRiskyUser.ReadWrite.All'] },
  mfa_reset: { label: 'MFA re-enrolment (delete methods + Temporary Access Pass)', required: ['UserAuthenticationMethod.ReadWrite.All'], directoryRole: 'Authentication Administrator' },
  group_membership: { label: 'group add / remove, Conditional Access exception group (always `members/{id}/$ref` on removal)', required: ['GroupMember.ReadWrite.All'] },
  app_access_request: { label: 'app access (`appRoleAssignedTo`)', required: ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'] },
} as const satisfies Record<string, EntraActionPermissions>;

export type EntraPermissionKey = keyof typeof ENTRA_PERMISSIONS_BY_ACTION;

/** Read by every request whatever the policy enables. */
const ALWAYS: readonly EntraPermissionKey[] = ['lookup', 'admin_role_check', 'risk'];

/**
 * Policy action → permission row. account_unlock has no Graph API (explained and escalated); a
 * Conditional Access exception is a membership of the exclusion group; privileged access is never
 * automated.
 */
export const ENTRA_ROW_FOR_POLICY_ACTION: Readonly<Record<string, EntraPermissionKey | undefined>> = {
  password_reset: 'password_reset',
  session_revoke: 'session_revoke',
  mfa_reset: 'mfa_reset',
  group_membership_add: 'group_membership',
  group_membership_remove: 'group_membership',
  conditional_access_change: 'group_membership',
  app_access_request: 'app_access_request',
};

/**
 * Permissions that let the holder take over the tenant or every app in it: never for this bot. Each
 * is a known escalation path (the app can grant itself more, or mint credentials for another app).
 */
const CRITICAL_PERMISSIONS: Readonly<Record<string, string>> = {
  'Directory.ReadWrite.All': 'can change almost every directory object',
  'RoleManagement.ReadWrite.Directory': 'can assign any directory role, Global Administrator included',
  'Application.ReadWrite.All': "can add credentials to any app and act as it (with that app's permissions)",
  'User.ReadWrite.All': 'can edit every user (README: never grant it)',
  'Policy.ReadWrite.ConditionalAccess': 'can turn Conditional Access off',
  'Policy.ReadWrite.AuthenticationMethod': "can change the tenant's MFA methods",
  'RoleAssignmentSchedule.ReadWrite.Directory': 'can activate and assign PIM roles',
  'PrivilegedAccess.ReadWrite.AzureADGroup': 'can assign PIM group membership',
  'Domain.ReadWrite.All': 'can add federated domains (sign in as anyone)',
};

/** Broader than needed but not a tenant takeover on their own. */
const BROADER_PERMISSIONS: Readonly<Record<string, string>> = {
  'Group.ReadWrite.All': 'can also edit and delete groups; GroupMember.ReadWrite.All is enough',
  'Directory.Read.All': 'reads the whole directory; User.Read.All + GroupMember.Read.All are enough',
  'User.ManageIdentities.All': 'not needed',
  'User.EnableDisableAccount.All': 'not needed',
};

/** A granted permission that includes a narrower one (so the narrower one is not "missing"). */
const COVERED_BY: Readonly<Record<string, readonly string[]>> = {
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'GroupMember.Read.All': ['GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'GroupMember.ReadWrite.All': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'RoleManagement.Read.Directory': ['RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Application.Read.All': ['Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'IdentityRiskyUser.Read.All': ['IdentityRiskyUser.ReadWrite.All'],
};

/**
 * AppRoleAssignment.ReadWrite.All is needed for app access, yet it lets an app grant any application
 * permission on any API — Graph included, to itself. Flagged even when needed.
 */
const APP_ROLE_ASSIGNMENT = 'AppRoleAssignment.ReadWrite.All';

export interface EntraPermissionFacts {
  /** The `roles` claim of the client-credential token (the consented application permissions). */
  roles: readonly string[];
  /** Policy actions in self-service mode (the ones Keyward executes). */
  enabledActions: readonly string[];
}

/** The permission rows the enabled actions need (always the look-ups, admin-role check and risk). */
export function neededEntraRows(enabledActions: readonly string[]): EntraPermissionKey[] {
  const rows = new Set<EntraPermissionKey>(ALWAYS);
  for (const action of enabledActions) {
    const row = ENTRA_ROW_FOR_POLICY_ACTION[action];
    if (row) rows.add(row);
  }
  return [...rows];
}

/** The doctor table cuts the check column at 34 characters; a longer permission name is repeated in full in the detail. */
function permissionFinding(permission: string, level: DoctorFinding['level'], detail: string): DoctorFinding {
  return { area: 'Entra ID', check: permission, level, detail: permission.length > 34 ? `${permission}: ${detail}` : detail };
}

/** Compares what the token carries with the minimum the enabled actions need. */
export function evaluateEntraPermissions(facts: EntraPermissionFacts): DoctorFinding[] {
  const area = 'Entra ID';
  const findings: DoctorFinding[] = [];
  const granted = new Set(facts.roles);
  const has = (permission: string): boolean => granted.has(permission) || (COVERED_BY[permission] ?? []).some((p) => granted.has(p));
  const rows = neededEntraRows(facts.enabledActions);
  const required = new Set<string>();
  const optional = new Set<string>();
  const entries: [EntraPermissionKey, EntraActionPermissions][] = rows.map((row) => [row, ENTRA_PERMISSIONS_BY_ACTION[row]]);
  for (const [, row] of entries) {
    for (const p of row.required) required.add(p);
    for (const p of row.optional ?? []) optional.add(p);
  }

  const missing = [...required].filter((p) => !has(p));
  if (facts.roles.length === 0) {
    findings.push({ area, check: 'permissions', level: 'critical', detail: 'the Graph token carries no `roles` claim: no application permission is consented. Grant the ones below and press "Grant admin consent".' });
  }
  findings.push(missing.length > 0
    ? { area, check: 'permissions: missing', level: 'critical', detail: `${missing.join(', ')} — needed by ${entries.filter(([, row]) => row.required.some((p) => missing.includes(p))).map(([key]) => key).join(', ')}` }
    : { area, check: 'permissions: required', level: 'ok', detail: [...required].sort().join(', ') });
  for (const permission of [...optional].filter((p) => !has(p))) {
    findings.push(permissionFinding(permission, 'info', permission.startsWith('IdentityRiskyUser.Read') ? 'not granted: user risk reads as "unknown" (also needs Entra ID P2)' : 'not granted: a suspected compromise is not reported to Identity Protection'));
  }

  for (const permission of [...granted].sort()) {
    if (CRITICAL_PERMISSIONS[permission]) {
      findings.push(permissionFinding(permission, 'critical', `broader than needed: ${CRITICAL_PERMISSIONS[permission]}. Remove it from the app registration.`));
    } else if (permission === APP_ROLE_ASSIGNMENT) {
      findings.push(required.has(permission)
        ? permissionFinding(permission, 'warning', 'needed for app access requests, but it can grant any application permission (to itself too): enable app access only if you accept that, and watch its audit log.')
        : permissionFinding(permission, 'critical', 'not needed (app access is not self-service) and it can grant any application permission, to itself too. Remove it.'));
    } else if (BROADER_PERMISSIONS[permission]) {
      findings.push(permissionFinding(permission, 'warning', `broader than needed: ${BROADER_PERMISSIONS[permission]}`));
    } else if (!required.has(permission) && !optional.has(permission)) {
      findings.push(permissionFinding(permission, /ReadWrite|\.Write|Manage/.test(permission) ? 'warning' : 'info', 'granted but not needed by the enabled actions: remove it (least privilege)'));
    }
  }

  // The directory roles the actions also need are checked against the ones the app holds: entra-directory-roles.ts.
  return findings;
}

/** The README table, rendered from ENTRA_PERMISSIONS_BY_ACTION (the test compares it with README.md). */
export function renderEntraPermissionTable(): string {
  const lines = ['| action | permission | directory role the app also needs |', '|---|---|---|'];
  for (const row of Object.values(ENTRA_PERMISSIONS_BY_ACTION) as EntraActionPermissions[]) {
    const required = row.required.map((p) => `\`${p}\``).join(', ');
    const optional = (row.optional ?? []).map((p) => `\`${p}\``).join(', ');
    const permissions = required && optional ? `${required} (optional: ${optional})` : required || `(optional: ${optional})`;
    lines.push(`| ${row.label} | ${permissions} | ${row.directoryRole ?? '—'} |`);
  }
  return lines.join('\n');
}
