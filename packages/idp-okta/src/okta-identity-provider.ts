import { AppError, silentLogger, systemClock } from '@keyward/core';
import type { IdentityProvider, IdpApp, IdpGroup, IdpRiskLevel, IdpUser, IdpUserStatus, IdpWriteResult, ResetPasswordResult } from '@keyward/core';
import { callOkta, collectAll } from './okta-call';
import type { OktaCallDeps } from './okta-call';
import { escapeSearchValue } from './escape-search-value';
import type { OktaAdapterOptions } from './okta-options';
import { createOktaSdk } from './okta-sdk-client';

const KNOWN_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED', 'PASSWORD_EXPIRED', 'RECOVERY', 'PROVISIONED', 'STAGED']);

/** The slice of an SDK User the adapter reads (the SDK's model classes are plain objects at run time). */
interface OktaUserLike {
  id?: string;
  status?: string;
  profile?: Record<string, unknown>;
}

function toIdpUser(user: OktaUserLike): IdpUser {
  const profile = user.profile ?? {};
  if (!user.id || typeof profile.login !== 'string') throw new AppError('idp.bad_response', 'Okta user without id or login');
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(profile)) if (typeof value === 'string') attributes[key] = value;
  const name = [profile.firstName, profile.lastName].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  const displayName = typeof profile.displayName === 'string' && profile.displayName ? profile.displayName : name || profile.login;
  const status = String(user.status ?? 'OTHER');
  return {
    id: user.id,
    login: profile.login,
    ...(typeof profile.email === 'string' ? { email: profile.email } : {}),
    displayName,
    status: (KNOWN_STATUSES.has(status) ? status : 'OTHER') as IdpUserStatus,
    attributes,
  };
}

interface OktaGroupLike {
  id?: string;
  type?: string;
  profile?: unknown;
}

function toIdpGroup(group: OktaGroupLike): IdpGroup & { type: string } {
  const name = (group.profile as { name?: unknown } | undefined)?.name;
  if (!group.id || typeof name !== 'string') throw new AppError('idp.bad_response', 'Okta group without id or name');
  return { id: group.id, name, type: String(group.type ?? '') };
}

/** Okta's user risk levels (spec: UserRiskLevelAll) onto the port's; anything else is `unknown`. */
const RISK_LEVELS: Readonly<Record<string, IdpRiskLevel>> = { NONE: 'none', LOW: 'low', MEDIUM: 'medium', HIGH: 'high' };

/** Okta user ids are 20 alphanumerics (00u…). A `managerId` that is not one is never sent to getUser, which would also accept a login or a login shortname. */
const OKTA_ID = /^[A-Za-z0-9]{20}$/;
/** A `manager` value worth a login search: one `@`, no spaces (Okta logins are email-shaped by default). */
const LOGIN_LIKE = /^[^\s@]+@[^\s@]+$/;

const isNotFound = (error: unknown): error is AppError => error instanceof AppError && error.code === 'idp.not_found';

function writeResult(outcome: IdpWriteResult['outcome'], idpRequestId: string | undefined): IdpWriteResult {
  return { outcome, ...(idpRequestId ? { idpRequestId } : {}) };
}

/** The Okta request id an AppError from callOkta carries (the failed response's X-Okta-Request-Id). */
function requestIdOf(error: AppError): string | undefined {
  const id = error.details?.oktaRequestId;
  return typeof id === 'string' ? id : undefined;
}

/** The Okta IdentityProvider: every read is uncached and every write reports Okta's request id. */
export function createOktaIdentityProvider(options: OktaAdapterOptions): IdentityProvider {
  const { client, executor } = createOktaSdk(options);
  const deps: OktaCallDeps = { executor, logger: (options.logger ?? silentLogger).child({ idp: 'okta' }), clock: options.clock ?? systemClock };

  const getUser = async (userId: string): Promise<IdpUser> => {
    const { result } = await callOkta(deps, 'getUser', { userId }, () => client.userApi.getUser({ userId }));
    return toIdpUser(result as OktaUserLike);
  };

  /**
   * F12 (replication lag): a user created moments ago can still be "not found" on the replica a
   * write lands on (microsoftgraph/msgraph-sdk-dotnet #2508 and microsoft-graph-docs #15839 report it
   * for Graph; Okta documents its search and list reads as eventually consistent). Reads keep 404 →
   * idp.not_found (final). For a write on a user, a 404 is checked with one getUser: if the user is
   * there, the 404 is taken as lag and becomes a retryable idp.unavailable (reason replication_lag),
   * so the job retries with the queue's bounded backoff and escalates when the budget runs out; if the
   * user is really gone, the original idp.not_found stands.
   */
  const onUserWrite = async <T>(userId: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await getUser(userId);
      } catch (confirm) {
        throw isNotFound(confirm) ? error : confirm;
      }
      throw new AppError('idp.unavailable', `${error.message}, but the user exists: taken as replication lag, retry later`, {
        retryable: true,
        cause: error,
        details: { ...error.details, reason: 'replication_lag' },
      });
    }
  };

  const listUserGroups = async (userId: string): Promise<{ groups: IdpGroup[]; lastRequestId: string | undefined }> => {
    // The Collection follows every `Link: rel="next"` (200 a page): membership #250 is seen (F07).
    const { result, lastRequestId } = await callOkta(deps, 'listUserGroups', { userId }, async () => collectAll(await client.userApi.listUserGroups({ userId })));
    const groups = result.map((g): IdpGroup => {
      const { id, name } = toIdpGroup(g);
      return { id, name };
    });
    return { groups, lastRequestId };
  };

  return {
    name: 'okta',
    getUser,

    async findUsersByEmail(email) {
      // Login ≠ email in many orgs and primary emails are not unique (F08): search by profile.email
      // and return every match; the caller insists on exactly one.
      const search = `profile.email eq "${escapeSearchValue(email)}"`;
      const { result } = await callOkta(deps, 'listUsers', {}, async () => collectAll(await client.userApi.listUsers({ search })));
      const wanted = email.toLowerCase();
      // Search compares case-insensitively already; re-check so a looser server can never widen the set.
      return result.map(toIdpUser).filter((u) => u.email?.toLowerCase() === wanted);
    },

    async listAdminRoles(userId) {
      const { result } = await callOkta(deps, 'listAssignedRolesForUser', { userId }, async () =>
        collectAll(await client.roleAssignmentApi.listAssignedRolesForUser({ userId })),
      );
      // Standard roles are named by type (SUPER_ADMIN…); custom roles all have type CUSTOM, so keep their label.
      return result.map((r) => {
        const role = r as { type?: string; label?: string };
        return role.type === 'CUSTOM' ? `CUSTOM:${role.label ?? ''}` : String(role.type);
      });
    },

    async listGroups(userId) {
      return (await listUserGroups(userId)).groups;
    },

    /**
     * Okta has no manager object: the user profile carries `managerId` (an Okta user id) and/or
     * `manager` (free text; HR-sourced orgs often put the manager's login there). `managerId` wins;
     * `manager` is used only when it looks like a login, searched by `profile.login` (unique in Okta)
     * rather than fetched by path, because a "/" in a login breaks get-by-login (okta-sdk-nodejs #430)
     * and getUser would also resolve a login *shortname*. A display name is never guessed into a user.
     * A manager who resolves to the user themselves counts as none (the approver is never the
     * requester). The profile must be read-only for end users (Profile Editor: user permission
     * "Read Only" on manager/managerId), or a user could name their own approver.
     */
    async getManager(userId) {
      const user = await getUser(userId);
      const managerId = user.attributes.managerId?.trim();
      if (managerId && OKTA_ID.test(managerId) && managerId !== user.id) {
        try {
          return await getUser(managerId);
        } catch (error) {
          // A stale managerId (manager left and was deleted) falls through to `manager`.
          if (!isNotFound(error)) throw error;
        }
      }
      const manager = user.attributes.manager?.trim();
      if (!manager || !LOGIN_LIKE.test(manager) || /[\u0000-\u001f\u007f]/.test(manager)) return undefined;
      const search = `profile.login eq "${escapeSearchValue(manager)}"`;
      const { result } = await callOkta(deps, 'listUsers', { userId, managerLogin: manager }, async () => collectAll(await client.userApi.listUsers({ search })));
      // Search compares case-insensitively; logins are unique, so more than one match means a looser server: no guess.
      const matches = result.map(toIdpUser).filter((u) => u.login.toLowerCase() === manager.toLowerCase());
      const found = matches.length === 1 ? matches[0] : undefined;
      return found && found.id !== user.id ? found : undefined;
    },

    /**
     * `GET /api/v1/users/{id}/risk` (Identity Threat Protection; scope okta.userRisk.read). An org
     * without the feature answers 403 (E0000015) and a service app without the scope 403 (E0000006);
     * a user the risk engine does not know answers 404. All of those are `unknown`, never an error
     * that stops the flow: the policy decides what unknown means. 429 and 5xx still throw (retryable):
     * a transient failure must not silently skip a risk check that would have refused.
     */
    async getUserRisk(userId) {
      try {
        const { result } = await callOkta(deps, 'getUserRisk', { userId }, () => client.userApi.getUserRisk({ userId }));
        return RISK_LEVELS[String(result.riskLevel)] ?? 'unknown';
      } catch (error) {
        if (isNotFound(error) || (error instanceof AppError && error.code === 'idp.denied' && error.details?.status === 403)) return 'unknown';
        throw error;
      }
    },

    /**
     * `GET /api/v1/groups?search=profile.name eq "…"`. Okta's `eq` on strings ignores case, and
     * OKTA_GROUP names are unique regardless of case; the result is still filtered to the exact,
     * case-sensitive name: the name comes from the policy catalogue, and a catalogue entry that
     * differs from Okta's spelling should fail visibly (a config fix) rather than resolve loosely.
     * APP_GROUPs imported from AD/LDAP can share a name with an OKTA_GROUP (only OKTA_GROUP
     * memberships can be changed through the API): when several match, the single OKTA_GROUP is it;
     * anything else is ambiguous and refused rather than guessed.
     */
    async findGroupByName(name) {
      if (/[\u0000-\u001f\u007f]/.test(name)) throw new AppError('config.invalid', 'group name contains a control character');
      const search = `profile.name eq "${escapeSearchValue(name)}"`;
      const { result } = await callOkta(deps, 'listGroups', { name }, async () => collectAll(await client.groupApi.listGroups({ search, limit: 200 })));
      const exact = result.map(toIdpGroup).filter((g) => g.name === name);
      const oktaGroups = exact.filter((g) => g.type === 'OKTA_GROUP');
      const chosen = exact.length === 1 ? exact[0] : oktaGroups.length === 1 ? oktaGroups[0] : undefined;
      if (exact.length > 1 && !chosen) throw new AppError('idp.bad_response', `Okta has ${exact.length} groups named "${name}"`, { details: { name, count: exact.length } });
      return chosen ? { id: chosen.id, name: chosen.name } : undefined;
    },

    /** `GET /api/v1/apps?filter=status eq "ACTIVE"`, every page (F07): Okta pages apps 20 at a time by default. */
    async listApps() {
      const { result } = await callOkta(deps, 'listApplications', {}, async () =>
        collectAll(await client.applicationApi.listApplications({ filter: 'status eq "ACTIVE"', limit: 200 })),
      );
      return result
        .filter((a) => a.status === 'ACTIVE')
        .map((a): IdpApp => {
          if (!a.id || typeof a.label !== 'string') throw new AppError('idp.bad_response', 'Okta app without id or label');
          return { id: a.id, name: a.label };
        });
    },

    /**
     * `PUT /api/v1/groups/{groupId}/users/{userId}`. The PUT itself is idempotent (an existing member
     * still gets 204), so it cannot tell "already a member"; the user's groups are read first (usually
     * one page) and an existing membership is `already_done` with no write (F09), its idpRequestId the
     * read's. 404 on the write: see onUserWrite (F12).
     */
    async addGroupMember(groupId, userId, { requestId }) {
      return onUserWrite(userId, async () => {
        const { groups, lastRequestId: readId } = await listUserGroups(userId);
        if (groups.some((g) => g.id === groupId)) return writeResult('already_done', readId);
        const { lastRequestId } = await callOkta(deps, 'assignUserToGroup', { groupId, userId, requestId }, () => client.groupApi.assignUserToGroup({ groupId, userId }));
        return writeResult('done', lastRequestId);
      });
    },

    /**
     * `DELETE /api/v1/groups/{groupId}/users/{userId}` — the membership only, never the user object.
     * A 404 usually means "not a member": it is confirmed with one read of the user's groups, because
     * a replica that has not seen the membership yet would also 404, and reporting already_done then
     * would leave time-boxed access in place. Still a member → retryable idp.unavailable; not a member,
     * or the user no longer exists → `already_done`.
     */
    async removeGroupMember(groupId, userId, { requestId }) {
      try {
        const { lastRequestId } = await callOkta(deps, 'unassignUserFromGroup', { groupId, userId, requestId }, () => client.groupApi.unassignUserFromGroup({ groupId, userId }));
        return writeResult('done', lastRequestId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        let stillMember: boolean;
        try {
          stillMember = (await listUserGroups(userId)).groups.some((g) => g.id === groupId);
        } catch (check) {
          if (!isNotFound(check)) throw check;
          stillMember = false;
        }
        if (stillMember) {
          throw new AppError('idp.unavailable', `${error.message}, but the user is still a member: taken as replication lag, retry later`, {
            retryable: true,
            cause: error,
            details: { ...error.details, reason: 'replication_lag' },
          });
        }
        return writeResult('already_done', requestIdOf(error));
      }
    },

    /**
     * `POST /api/v1/apps/{appId}/users` with `{ id, scope: 'USER' }` (developer.okta.com Application
     * Users API; SCIM provisioning downstream is Okta's job). Okta's docs do not say what a second
     * assignment of an assigned user returns, so the assignment is read first (`GET
     * /apps/{appId}/users/{userId}`): present → `already_done` with no write — including access
     * through a group (scope GROUP): the user already has the app. 404 on the write: onUserWrite (F12).
     */
    async assignApp(appId, userId, { requestId }) {
      return onUserWrite(userId, async () => {
        try {
          const { lastRequestId } = await callOkta(deps, 'getApplicationUser', { appId, userId }, () => client.applicationApi.getApplicationUser({ appId, userId }), { expected: isNotFound });
          return writeResult('already_done', lastRequestId);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        const { lastRequestId } = await callOkta(deps, 'assignUserToApplication', { appId, userId, requestId }, () =>
          client.applicationApi.assignUserToApplication({ appId, appUser: { id: userId, scope: 'USER' } }),
        );
        return writeResult('done', lastRequestId);
      });
    },

    /**
     * `DELETE /api/v1/apps/{appId}/users/{userId}` (sendEmail false). A 404 is confirmed with
     * getApplicationUser like removeGroupMember: still assigned → retryable; gone → `already_done`.
     */
    async unassignApp(appId, userId, { requestId }) {
      try {
        const { lastRequestId } = await callOkta(deps, 'unassignUserFromApplication', { appId, userId, requestId }, () =>
          client.applicationApi.unassignUserFromApplication({ appId, userId, sendEmail: false }),
        );
        return writeResult('done', lastRequestId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        let stillAssigned = true;
        try {
          await callOkta(deps, 'getApplicationUser', { appId, userId }, () => client.applicationApi.getApplicationUser({ appId, userId }));
        } catch (check) {
          if (!isNotFound(check)) throw check;
          stillAssigned = false;
        }
        if (stillAssigned) {
          throw new AppError('idp.unavailable', `${error.message}, but the user is still assigned: taken as replication lag, retry later`, {
            retryable: true,
            cause: error,
            details: { ...error.details, reason: 'replication_lag' },
          });
        }
        return writeResult('already_done', requestIdOf(error));
      }
    },

    /**
     * `POST /api/v1/users/{userId}/lifecycle/reset_factors`: every enrolment returns to unenrolled and
     * the user re-enrols at next sign-in. Okta only offers the operation while a factor is enrolled
     * (spec: "present only if the user is currently enrolled"), so the factors are listed first and
     * none → `already_done` with no write. 404 on the write: onUserWrite (F12).
     */
    async resetFactors(userId, { requestId }) {
      return onUserWrite(userId, async () => {
        const { result: factors, lastRequestId: readId } = await callOkta(deps, 'listFactors', { userId, requestId }, async () => collectAll(await client.userFactorApi.listFactors({ userId })));
        if (factors.length === 0) return writeResult('already_done', readId);
        const { lastRequestId } = await callOkta(deps, 'resetFactors', { userId, requestId }, () => client.userApi.resetFactors({ userId }));
        return writeResult('done', lastRequestId);
      });
    },

    async resetPassword(userId, { revokeSessions, requestId }): Promise<ResetPasswordResult> {
      // sendEmail=false returns the one-time link instead of mailing it; revokeSessions defaults to
      // false on Okta's side (F13), so it is always sent explicitly.
      const { result, lastRequestId } = await callOkta(deps, 'generateResetPasswordToken', { userId, requestId, revokeSessions }, () =>
        client.userApi.generateResetPasswordToken({ userId, sendEmail: false, revokeSessions }),
      );
      const url = result.resetPasswordUrl;
      if (typeof url !== 'string' || url === '') throw new AppError('idp.bad_response', 'Okta reset_password returned no resetPasswordUrl', { details: { oktaRequestId: lastRequestId } });
      return { outcome: 'done', secret: { kind: 'reset_link', value: url }, ...(lastRequestId ? { idpRequestId: lastRequestId } : {}) };
    },

    async unlock(userId, { requestId }): Promise<IdpWriteResult> {
      try {
        const { lastRequestId } = await callOkta(deps, 'unlockUser', { userId, requestId }, () => client.userApi.unlockUser({ userId }), { expected: (e) => e.details?.errorCode === 'E0000032' });
        return { outcome: 'done', ...(lastRequestId ? { idpRequestId: lastRequestId } : {}) };
      } catch (error) {
        // Okta answers 403 E0000032 "Unlock is not allowed for this user" when the user is not
        // locked, but also for accounts it cannot unlock (directory-sourced). Re-read the status to
        // tell "nothing to do" from a real refusal.
        if (!(error instanceof AppError) || error.details?.errorCode !== 'E0000032') throw error;
        const user = await getUser(userId);
        if (user.status === 'LOCKED_OUT') throw error;
        const idpRequestId = error.details?.oktaRequestId;
        return { outcome: 'already_done', ...(typeof idpRequestId === 'string' ? { idpRequestId } : {}) };
      }
    },

    async clearSessions(userId, { requestId }): Promise<IdpWriteResult> {
      // oauthTokens=true also revokes the OIDC/OAuth tokens Okta issued to the user: "sign me out
      // everywhere" after a suspected compromise must not leave refresh tokens alive.
      const { lastRequestId } = await callOkta(deps, 'revokeUserSessions', { userId, requestId }, () => client.userApi.revokeUserSessions({ userId, oauthTokens: true }));
      return { outcome: 'done', ...(lastRequestId ? { idpRequestId: lastRequestId } : {}) };
    },
  };
}
