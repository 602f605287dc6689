import { OKTA_ERRORS } from './okta-wire-format';
import type { OktaErrorShape } from './okta-wire-format';

/**
 * The OAuth scope each operation the fake serves declares in Okta's management spec (`security:
 * oauth2`; okta-oauth-scopes.int.test.ts keeps this list equal to the spec). A service app's access
 * token may call an operation only with that scope, or the resource's `.manage` scope where the spec
 * names its `.read` one (support.okta.com "insufficient_scope": /api/v1/groups takes okta.groups.read
 * or okta.groups.manage). An API token is not scoped: it has its owner's rights.
 */
export const OPERATION_SCOPES: Readonly<Record<string, string>> = {
  listUsers: 'okta.users.read',
  getUser: 'okta.users.read',
  listAssignedRolesForUser: 'okta.roles.read',
  listUserGroups: 'okta.users.read',
  listFactors: 'okta.users.read',
  verifyFactor: 'okta.users.manage',
  getFactorTransactionStatus: 'okta.users.read',
  generateResetPasswordToken: 'okta.users.manage',
  unlockUser: 'okta.users.manage',
  revokeUserSessions: 'okta.users.manage',
  resetFactors: 'okta.users.manage',
  getUserRisk: 'okta.userRisk.read',
  getUserSchema: 'okta.schemas.read',
  listGroups: 'okta.groups.read',
  listGroupUsers: 'okta.groups.read',
  assignUserToGroup: 'okta.groups.manage',
  unassignUserFromGroup: 'okta.groups.manage',
  listApplications: 'okta.apps.read',
  assignUserToApplication: 'okta.apps.manage',
  getApplicationUser: 'okta.apps.read',
  unassignUserFromApplication: 'okta.apps.manage',
  listRolesForClient: 'okta.roles.read',
};

/**
 * Undefined when the token may call the operation; else Okta's refusal: 403 E0000006 with the RFC 6750
 * `WWW-Authenticate` challenge naming the scope (the header Okta sends, per its support article on
 * insufficient_scope).
 */
export function insufficientScope(operation: string, granted: ReadonlySet<string>, base: string, resource: string): { error: OktaErrorShape; headers: Record<string, string> } | undefined {
  const scope = OPERATION_SCOPES[operation];
  if (scope === undefined || granted.has(scope) || (scope.endsWith('.read') && granted.has(scope.replace(/\.read$/, '.manage')))) return undefined;
  const challenge = [
    `authorization_uri="${base}/oauth2/v1/authorize"`,
    `realm="${base}"`,
    `scope="${scope}"`,
    'error="insufficient_scope"',
    'error_description="The access token provided does not contain the required scopes."',
    `resource="${resource}"`,
  ].join(', ');
  return { error: OKTA_ERRORS.accessDenied, headers: { 'WWW-Authenticate': `Bearer ${challenge}` } };
}
