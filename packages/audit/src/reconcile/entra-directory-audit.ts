/*
 * The subset of a Microsoft Entra audit log record that reconciliation reads: the Microsoft Graph
 * `directoryAudit` resource (learn.microsoft.com/graph/api/resources/directoryaudit), as returned by
 * `GET /auditLogs/directoryAudits` (a page is `{ "@odata.context", value: [...], "@odata.nextLink" }`)
 * The admin center's JSON download is assumed to keep these Graph field names (not verified against
 * a real file); Log Analytics `AuditLogs` rows use PascalCase columns and are not read.
 *
 * - `correlationId` (Guid): Graph documents it only as "a unique ID that helps correlate activities
 *   that span across various services"; the Azure Monitor `AuditLogs` table, which carries the same
 *   records, says what it is: "Optional GUID that's passed by the client. Can help correlate
 *   client-side operations with server-side operations" (learn.microsoft.com/azure/azure-monitor/
 *   reference/tables/auditlogs). That is the `client-request-id` request header, which Graph asks to
 *   be a GUID. See reconcile-entra.ts for how the join copes with ours (`rq_…`) not being one.
 * - `initiatedBy.app.appId` / `servicePrincipalId`: set when an application (our service principal,
 *   app-only token) made the change; `initiatedBy.user` when a person did (auditActivityInitiator).
 * - `targetResources[]`: `id` is the object id; `type` is e.g. User, Group, ServicePrincipal;
 *   `userPrincipalName` is set for users (targetResource resource type).
 * - `result`: success | failure | timeout | unknownFutureValue; `resultReason` says why, and for
 *   authentication-method activities carries the method ("Admin registered temporary access pass
 *   method for user", Microsoft Entra security operations guide for privileged accounts).
 */
export interface EntraDirectoryAudit {
  id?: string;
  category?: string;
  correlationId?: string | null;
  activityDisplayName?: string;
  activityDateTime?: string;
  loggedByService?: string;
  operationType?: string;
  result?: string;
  resultReason?: string | null;
  initiatedBy?: {
    app?: { appId?: string | null; displayName?: string | null; servicePrincipalId?: string | null; servicePrincipalName?: string | null } | null;
    user?: { id?: string | null; displayName?: string | null; userPrincipalName?: string | null; ipAddress?: string | null } | null;
  } | null;
  targetResources?: { id?: string | null; displayName?: string | null; type?: string | null; userPrincipalName?: string | null; groupType?: string | null }[] | null;
  additionalDetails?: { key?: string | null; value?: string | null }[] | null;
}

/**
 * Entra activity names (`activityDisplayName`) the Entra adapter's writes produce, per Keyward action.
 * Source: "Microsoft Entra audit log categories and activities" (learn.microsoft.com/entra/identity/
 * monitoring-health/reference-audit-activities), Core Directory, Authentication Methods and
 * Self-service password management tables, plus names Microsoft's own detections use that the
 * table omits. The table warns it "may not be in sync" with the service, so each action lists the
 * variants and a name not listed here is never guessed at: by our principal it shows as "Entra only".
 *
 * - password_reset — `PATCH /users/{id}` with passwordProfile: "Reset user password" (what Sentinel
 *   and Graph PowerShell audit queries filter on for admin/API resets), "Reset password" (Core
 *   Directory table), "Reset password (by admin)" (SSPR table), "Set force change user password"
 *   (forceChangePasswordNextSignIn) and "Update user" (the PATCH itself). A suspected compromise also
 *   revokes sessions (F13), so the session activities are expected too.
 * - session_revoke — `POST /users/{id}/revokeSignInSessions`: "Update StsRefreshTokenValidFrom
 *   Timestamp" (Core Directory table) and "Invalidate all refresh tokens for user" (the name the
 *   role permission microsoft.directory/users/invalidateAllRefreshTokens is audited under).
 * - mfa_reset — deleting methods and creating a Temporary Access Pass: "Admin deleted security info"
 *   and "Admin registered security info" (Authentication Methods table; resultReason names the
 *   method), "Create Temporary Access Pass method for user" (seen in Graph audit queries).
 * - group membership — "Add member to group" / "Remove member from group" (GroupManagement).
 * - app_access_request — `POST /servicePrincipals/{id}/appRoleAssignedTo`: "Add app role assignment
 *   grant to user" (not in the reference table — which lists only the removal — but what Microsoft's
 *   consent-grant detections key on).
 * - account_unlock — none: the Entra adapter refuses it (Graph has no unlock API).
 * Time-limited grants are removed at expiry under the same request and action, audited as
 * `request.access_revoked` (access-expiry.ts): ENTRA_EXPIRY_ACTIVITIES.
 */
const SESSION_ACTIVITIES = ['Update StsRefreshTokenValidFrom Timestamp', 'Invalidate all refresh tokens for user'] as const;

export const ENTRA_WRITE_ACTIVITIES: Record<string, readonly string[]> = {
  password_reset: ['Reset user password', 'Reset password', 'Reset password (by admin)', 'Set force change user password', 'Update user', ...SESSION_ACTIVITIES],
  session_revoke: [...SESSION_ACTIVITIES],
  mfa_reset: ['Admin deleted security info', 'Admin registered security info', 'Create Temporary Access Pass method for user'],
  group_membership_add: ['Add member to group'],
  // The executor adds conditional-access exclusions through group membership (execute-action.ts).
  conditional_access_change: ['Add member to group'],
  group_membership_remove: ['Remove member from group'],
  app_access_request: ['Add app role assignment grant to user'],
};

/** The removal a time-limited grant's expiry makes (`DELETE …/members/{id}/$ref`, `DELETE …/appRoleAssignedTo/{id}`). */
export const ENTRA_EXPIRY_ACTIVITIES: Record<string, readonly string[]> = {
  group_membership_add: ['Remove member from group'],
  conditional_access_change: ['Remove member from group'],
  app_access_request: ['Remove app role assignment from user'],
};

/** Our audit event type for the removal at expiry (request-journal.ts: `request.<event type>`). */
export const ACCESS_REVOKED_AUDIT_TYPE = 'request.access_revoked';

/** Activity names compare case-insensitively: Microsoft's own tables spell some with title case ("Remove App Role Assignment From User"). */
export const normalizeActivity = (name: string): string => name.trim().toLowerCase();

export const ALL_ENTRA_WRITE_ACTIVITIES = new Set([...Object.values(ENTRA_WRITE_ACTIVITIES), ...Object.values(ENTRA_EXPIRY_ACTIVITIES)].flat().map(normalizeActivity));

/** The activities one of our writes should have produced; undefined when the action is not mapped. */
export function expectedEntraActivities(action: string | undefined, auditType: string | undefined): readonly string[] | undefined {
  if (!action) return undefined;
  return auditType === ACCESS_REVOKED_AUDIT_TYPE ? ENTRA_EXPIRY_ACTIVITIES[action] : ENTRA_WRITE_ACTIVITIES[action];
}

export function isExpectedEntraActivity(expected: readonly string[] | undefined, activity: string): boolean {
  return expected !== undefined && expected.some((name) => normalizeActivity(name) === normalizeActivity(activity));
}

/** Object ids of the users an activity touched: User targets, or any target with a user principal name. */
export function entraTargetUserIds(event: EntraDirectoryAudit): string[] {
  return (event.targetResources ?? []).filter((t) => t.id && (t.type === 'User' || t.userPrincipalName)).map((t) => t.id as string);
}

/** The initiating application's appId and service principal id (either may identify Keyward's principal). */
export function entraActorIds(event: EntraDirectoryAudit): string[] {
  const app = event.initiatedBy?.app;
  return [app?.appId, app?.servicePrincipalId].filter((id): id is string => typeof id === 'string' && id !== '');
}

/**
 * Parses an export: a JSON array of directoryAudit records (Graph pages' `value` arrays
 * concatenated), or one Graph response page `{ value: [...] }`.
 */
export function parseEntraAuditExport(text: string): EntraDirectoryAudit[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error('the Entra audit export is not JSON (expected an array of directoryAudit records or { "value": [...] })');
  }
  const list = Array.isArray(parsed) ? parsed : isObject(parsed) && Array.isArray(parsed.value) ? parsed.value : undefined;
  if (!list) throw new Error('expected a JSON array of directoryAudit records or a Graph page { "value": [...] }');
  return list.filter(isObject) as EntraDirectoryAudit[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
