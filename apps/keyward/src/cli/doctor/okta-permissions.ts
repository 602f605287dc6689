/**
 * THE list of Okta access Keyward needs, per action (least privilege). `keyward doctor` compares the
 * service app's OAuth scopes and the credential's admin roles with it, README "Okta" shows the same
 * table, `.env.example`'s OKTA_SCOPES is its default-policy list — okta-permissions.test.ts fails when
 * they drift apart (infra/terraform/okta mirrors it by hand, with the same row keys).
 *
 * Scopes: the `security` (oauth2) scope Okta's management spec (shared/specs/okta-management.yaml)
 * declares for every operation the adapter calls (packages/idp-okta: okta-identity-provider.ts,
 * okta-push-verifier.ts). Okta also accepts a resource's `.manage` scope where the spec names its
 * `.read` one (support.okta.com, "insufficient_scope": /api/v1/groups takes okta.groups.read or
 * okta.groups.manage), so a granted `.manage` covers a listed `.read`.
 *
 * Admin role: a service app (or an API token's owner) acts only within its admin roles. `roles` are
 * the standard roles that can do the action on non-admin users (help.okta.com "Standard administrator
 * roles and permissions": Help Desk Administrator resets passwords and MFA, unlocks and clears
 * sessions, but cannot assign users to groups or apps; Group Membership Administrator adds and removes
 * members of its groups; Application Administrator assigns its apps). `permissions` are the custom
 * admin role permissions that do the same (developer.okta.com "Role assignment", permission types:
 * a user's group membership or app assignment needs the user-side and the group/app-side permission).
 * Empty `roles`: not judged (look-ups and the push work under any role that can see the users; Okta
 * documents no custom-role permission for verifying a user's factor).
 */
export interface OktaActionAccess {
  /** Row label in the README table. */
  label: string;
  /** Okta management API operations (spec operationId) the adapter calls for it. */
  operations: readonly string[];
  /** OAuth scopes of those operations: all needed when the row is. */
  scopes: readonly string[];
  /** Scopes whose absence degrades a feature instead of failing it. */
  optionalScopes?: readonly string[];
  /** Standard admin role types that can do it (tightest first). */
  roles: readonly string[];
  /** Custom admin role permissions that can do it, bound to a resource set without admin groups. */
  permissions: readonly string[];
}

const USER_WRITE_ROLES = ['HELP_DESK_ADMIN', 'USER_ADMIN', 'ORG_ADMIN', 'SUPER_ADMIN'] as const;

export const OKTA_ACCESS_BY_ACTION = {
  lookup: {
    label: "look-ups (requester, target, a user's groups and admin roles, manager, owners, risk)",
    operations: ['listUsers', 'getUser', 'listUserGroups', 'listAssignedRolesForUser', 'getUserRisk'],
    scopes: ['okta.users.read', 'okta.roles.read'],
    optionalScopes: ['okta.userRisk.read'],
    roles: [],
    permissions: ['okta.users.read'],
  },
  push_step_up: {
    label: 'Okta Verify push (before every action)',
    operations: ['listFactors', 'verifyFactor', 'getFactorTransactionStatus'],
    scopes: ['okta.users.read', 'okta.users.manage'],
    roles: [],
    permissions: [],
  },
  password_reset: {
    label: 'password reset (one-time link)',
    operations: ['generateResetPasswordToken'],
    scopes: ['okta.users.manage'],
    roles: USER_WRITE_ROLES,
    permissions: ['okta.users.credentials.resetPassword'],
  },
  account_unlock: {
    label: 'unlock',
    operations: ['unlockUser', 'getUser'],
    scopes: ['okta.users.read', 'okta.users.manage'],
    roles: USER_WRITE_ROLES,
    permissions: ['okta.users.lifecycle.unlock'],
  },
  session_revoke: {
    label: 'sign out everywhere',
    operations: ['revokeUserSessions'],
    scopes: ['okta.users.manage'],
    roles: USER_WRITE_ROLES,
    permissions: ['okta.users.lifecycle.clearSessions'],
  },
  mfa_reset: {
    label: 'MFA reset',
    operations: ['listFactors', 'resetFactors'],
    scopes: ['okta.users.read', 'okta.users.manage'],
    roles: USER_WRITE_ROLES,
    permissions: ['okta.users.credentials.resetFactors'],
  },
  group_membership: {
    label: 'group join / leave, conditional-access exception (exclusion group), removal at expiry',
    operations: ['listGroups', 'listUserGroups', 'assignUserToGroup', 'unassignUserFromGroup'],
    scopes: ['okta.groups.read', 'okta.users.read', 'okta.groups.manage'],
    roles: ['GROUP_MEMBERSHIP_ADMIN', 'ORG_ADMIN', 'SUPER_ADMIN'],
    permissions: ['okta.groups.read', 'okta.groups.members.manage', 'okta.users.groupMembership.manage'],
  },
  app_access: {
    label: 'app access, removal at expiry',
    operations: ['listApplications', 'getApplicationUser', 'assignUserToApplication', 'unassignUserFromApplication'],
    scopes: ['okta.apps.read', 'okta.apps.manage'],
    roles: ['APP_ADMIN', 'ORG_ADMIN', 'SUPER_ADMIN'],
    permissions: ['okta.apps.read', 'okta.apps.assignment.manage', 'okta.users.appAssignment.manage'],
  },
} as const satisfies Record<string, OktaActionAccess>;

export type OktaAccessKey = keyof typeof OKTA_ACCESS_BY_ACTION;

/** A row as the interface (the table's literal types are too narrow for `includes`). */
export function oktaAccess(key: OktaAccessKey): OktaActionAccess {
  return OKTA_ACCESS_BY_ACTION[key];
}

/**
 * Policy action → row. A conditional-access exception is a time-boxed membership of the exclusion
 * group; privileged access is never automated.
 */
export const OKTA_ROW_FOR_POLICY_ACTION: Readonly<Record<string, OktaAccessKey | undefined>> = {
  password_reset: 'password_reset',
  account_unlock: 'account_unlock',
  session_revoke: 'session_revoke',
  mfa_reset: 'mfa_reset',
  group_membership_add: 'group_membership',
  group_membership_remove: 'group_membership',
  conditional_access_change: 'group_membership',
  app_access_request: 'app_access',
};

/** The rows the enabled actions need: always the look-ups; the push whenever anything is self-service (its only verification). */
export function neededOktaRows(enabledActions: readonly string[]): OktaAccessKey[] {
  const rows = new Set<OktaAccessKey>(['lookup']);
  for (const action of enabledActions) {
    const row = OKTA_ROW_FOR_POLICY_ACTION[action];
    if (!row) continue;
    rows.add('push_step_up');
    rows.add(row);
  }
  return (Object.keys(OKTA_ACCESS_BY_ACTION) as OktaAccessKey[]).filter((key) => rows.has(key));
}

/** The OAuth scopes the enabled actions need, in a stable order (OKTA_SCOPES for that policy). */
export function requiredOktaScopes(enabledActions: readonly string[]): string[] {
  return [...new Set(neededOktaRows(enabledActions).flatMap((row) => oktaAccess(row).scopes))];
}

/** A granted scope that includes a needed one: the resource's `.manage` for its `.read`. */
export function isOktaScopeCovered(scope: string, granted: ReadonlySet<string>): boolean {
  return granted.has(scope) || (scope.endsWith('.read') && granted.has(scope.replace(/\.read$/, '.manage')));
}

const code = (values: readonly string[]): string => values.map((v) => `\`${v}\``).join(', ');

/** Admin Console names of the standard roles the table names (developer.okta.com "Role assignment": standard role types). */
export const OKTA_ROLE_LABELS: Readonly<Record<string, string>> = {
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  ORG_ADMIN: 'Organization Administrator',
  SUPER_ADMIN: 'Super Administrator',
};

/** The README table, rendered from OKTA_ACCESS_BY_ACTION (the test compares it with README.md). */
export function renderOktaAccessTable(): string {
  const lines = ['| action | Okta API operations | OAuth scopes | standard admin role (tightest) | or custom-role permissions |', '|---|---|---|---|---|'];
  for (const row of Object.values<OktaActionAccess>(OKTA_ACCESS_BY_ACTION)) {
    const optional = row.optionalScopes?.length ? ` (optional: ${code(row.optionalScopes)})` : '';
    const role = row.roles[0] ? (OKTA_ROLE_LABELS[row.roles[0]] ?? row.roles[0]) : '—';
    lines.push(`| ${row.label} | ${row.operations.join(', ')} | ${code(row.scopes)}${optional} | ${role} | ${code(row.permissions) || '—'} |`);
  }
  return lines.join('\n');
}
