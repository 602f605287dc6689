import type { DoctorFinding } from './doctor-finding';
import { ENTRA_PERMISSIONS_BY_ACTION, neededEntraRows } from './entra-permissions';

/**
 * The directory roles the app's service principal holds (`GET /roleManagement/directory/roleAssignments`
 * filtered on its object id), judged for a bot that resets passwords and MFA of non-admins. Graph
 * application permissions are only half of what an app can do: a directory role given to its service
 * principal applies to every app-only call, so Global Administrator on Keyward's app makes its
 * credential a Global Administrator credential whatever the `roles` claim says.
 */
export interface EntraRoleAssignment {
  /** For built-in roles, the role's template id (learn.microsoft.com "Microsoft Entra built-in roles"). */
  roleDefinitionId: string;
  /** `roleDefinition.displayName` when expanded (custom roles have no well-known id). */
  displayName: string | undefined;
  /** `/` tenant-wide, `/administrativeUnits/{id}` for a role scoped to an administrative unit. */
  directoryScopeId: string | undefined;
}

export type EntraDirectoryRolesRead = { ok: true; assignments: EntraRoleAssignment[] } | { ok: false; reason: string };

type RoleAction = 'password_reset' | 'mfa_reset';

interface RoleVerdict {
  name: string;
  /** `fits`: what an enabled action needs (OK), or not needed (warning) when none of `serves` is enabled. */
  level: 'critical' | 'warning' | 'info' | 'fits';
  detail: string;
  /** Actions whose Graph writes this role allows (for non-admin targets). */
  serves?: readonly RoleAction[];
}

const TAKEOVER_BY_APP = "can add credentials to any app and act as it, with that app's permissions (a known path to Global Administrator)";

/** Built-in roles by template id. Anything not listed (other built-in or custom roles) is "not needed: review". */
const ROLE_VERDICTS: Readonly<Record<string, RoleVerdict>> = {
  '62e90394-69f5-4237-9190-012177145e10': { name: 'Global Administrator', level: 'critical', detail: 'full control of the tenant; whoever holds Keyward\'s client secret or certificate is a Global Administrator.', serves: ['password_reset', 'mfa_reset'] },
  'e8611ab8-c189-46e8-94e1-60213ab1f814': { name: 'Privileged Role Administrator', level: 'critical', detail: 'can assign any directory role, Global Administrator included, to anyone (the app itself too).' },
  // Broader than any action needs, and not a matter of degree: resetting an admin's password and MFA is
  // taking over that admin. Non-admin resets need only Helpdesk (password) / Authentication Administrator.
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': { name: 'Privileged Authentication Administrator', level: 'critical', detail: 'can reset the password and MFA methods of every user, Global Administrators included — a takeover of any admin. Non-admin resets need only Helpdesk Administrator (password) or Authentication Administrator (MFA).', serves: ['password_reset', 'mfa_reset'] },
  'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8': { name: 'Partner Tier2 Support', level: 'critical', detail: 'can reset the passwords of every user, Global Administrators included (Microsoft: "do not use").', serves: ['password_reset'] },
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': { name: 'Application Administrator', level: 'critical', detail: TAKEOVER_BY_APP },
  '158c047a-c907-4556-b7ef-446551a6b5f7': { name: 'Cloud Application Administrator', level: 'critical', detail: TAKEOVER_BY_APP },
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': { name: 'Conditional Access Administrator', level: 'critical', detail: 'can turn Conditional Access (and with it MFA requirements) off.' },
  '8329153b-31d0-4727-b945-745eb3bc5f31': { name: 'Domain Name Administrator', level: 'critical', detail: 'can manage domains and their federation (sign in as anyone in a federated domain).' },
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': { name: 'Hybrid Identity Administrator', level: 'critical', detail: 'can change federation and sync settings (sign in as anyone in a federated domain).' },
  'fe930be7-5e62-47db-91af-98c3a49a38b1': { name: 'User Administrator', level: 'warning', detail: 'resets passwords, but also creates, deletes and edits users and groups and resets some admins (Helpdesk, Password, User Administrators). Helpdesk Administrator scoped to an administrative unit of employees is enough.', serves: ['password_reset'] },
  '194ae4cb-b126-40b2-bd5b-6091b380977d': { name: 'Security Administrator', level: 'warning', detail: 'manages security settings and policies across the tenant: not needed.' },
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': { name: 'Helpdesk Administrator', level: 'fits', detail: 'resets passwords of non-admins (and other Helpdesk Administrators).', serves: ['password_reset'] },
  '966707d0-3269-4727-9be2-8c3a10f19b9d': { name: 'Password Administrator', level: 'fits', detail: 'resets passwords of non-admins (and other Password Administrators).', serves: ['password_reset'] },
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': { name: 'Authentication Administrator', level: 'fits', detail: 'resets passwords and MFA methods of non-admins.', serves: ['password_reset', 'mfa_reset'] },
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': { name: 'Directory Readers', level: 'info', detail: 'read-only; the Graph read permissions already cover what Keyward reads.' },
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': { name: 'Global Reader', level: 'info', detail: 'reads everything a Global Administrator can see (not needed; read-only).' },
};

const ACTION_LABEL: Record<RoleAction, string> = { password_reset: 'password resets', mfa_reset: 'MFA re-enrolment' };

function scopeLabel(scope: string | undefined): string {
  if (scope === undefined || scope === '/') return 'tenant-wide';
  const unit = /^\/administrativeUnits\/(.+)$/.exec(scope)?.[1];
  return unit ? `administrative unit ${unit}` : `scope ${scope}`;
}

export interface EntraDirectoryRoleFacts {
  read: EntraDirectoryRolesRead;
  /** Policy actions in self-service mode. */
  enabledActions: readonly string[];
}

/** Critical for tenant-takeover roles, a warning for broader or unneeded ones, OK listing the roles that fit. */
export function evaluateEntraDirectoryRoles(facts: EntraDirectoryRoleFacts): DoctorFinding[] {
  const area = 'Entra ID';
  const rows = neededEntraRows(facts.enabledActions);
  const needed = (['password_reset', 'mfa_reset'] as const).filter((action) => rows.includes(action));
  if (!facts.read.ok) {
    const roles = needed.map((action) => `${ACTION_LABEL[action]}: ${ENTRA_PERMISSIONS_BY_ACTION[action].directoryRole}`);
    return [{ area, check: 'directory roles', level: 'warning', detail: `could not read the app's directory role assignments (${facts.read.reason}). Grant RoleManagement.Read.Directory (the admin-role check needs it too) and re-run, or check by hand that the app holds no Global Administrator, Privileged Role Administrator or Privileged Authentication Administrator role${roles.length ? `; it needs ${roles.join('; ')}` : ''}.` }];
  }

  const findings: DoctorFinding[] = [];
  const fitting: string[] = [];
  const served = new Set<RoleAction>();
  for (const assignment of facts.read.assignments) {
    const verdict = ROLE_VERDICTS[assignment.roleDefinitionId];
    const name = verdict?.name ?? assignment.displayName ?? `role ${assignment.roleDefinitionId}`;
    const held = `${name} (${scopeLabel(assignment.directoryScopeId)})`;
    for (const action of verdict?.serves ?? []) served.add(action);
    if (!verdict) {
      findings.push({ area, check: 'directory role', level: 'warning', detail: `${held}: not a role Keyward needs (custom or another built-in role). Review what it grants and remove it.` });
    } else if (verdict.level === 'fits') {
      const uses = (verdict.serves ?? []).filter((action) => needed.includes(action));
      if (uses.length > 0) fitting.push(held);
      else findings.push({ area, check: 'directory role', level: 'warning', detail: `${held}: ${verdict.detail} Not needed: no enabled action uses it. Remove it (least privilege).` });
    } else {
      findings.push({ area, check: 'directory role', level: verdict.level, detail: `${held}: ${verdict.detail}${verdict.level === 'critical' ? ' Remove the assignment (Entra ID → Roles and administrators).' : ''}` });
    }
  }

  // Role assignments through a role-assignable group are not listed by this call, hence a warning, not critical.
  const missing = needed.filter((a) => !served.has(a));
  for (const action of missing) {
    findings.push({ area, check: 'directory roles: missing', level: 'warning', detail: `${ACTION_LABEL[action]} need ${ENTRA_PERMISSIONS_BY_ACTION[action].directoryRole} on the app's service principal (scoped to an administrative unit of employees); without it Graph refuses them (403 Authorization_RequestDenied). Ignore if the role comes through a group.` });
  }
  if (fitting.length > 0) findings.push({ area, check: 'directory roles', level: 'ok', detail: `holds ${fitting.join(', ')}` });
  else if (facts.read.assignments.length === 0 && missing.length === 0) findings.push({ area, check: 'directory roles', level: 'ok', detail: 'holds no directory role, and no enabled action needs one' });
  return findings;
}
