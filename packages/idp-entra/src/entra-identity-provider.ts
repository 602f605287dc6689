import { AppError, afterPartialWrite, silentLogger, systemClock } from '@keyward/core';
import type { IdentityProvider, IdpApp, IdpGroup, IdpRiskLevel, IdpUser, IdpWriteResult } from '@keyward/core';
import { callGraph, collectPages, createGraphClient } from './graph-call';
import type { GraphCallDeps, GraphPage } from './graph-call';
import type { EntraAdapterOptions } from './entra-options';
import { DEFAULT_GRAPH_URL } from './entra-options';
import { createTokenProvider } from './entra-token-provider';
import { OBJECT_ID, encodeFilter, odataString, pathSegment } from './odata';
import { generateTemporaryPassword } from './temporary-password';

/** The fields of a Graph `user` the adapter reads. */
interface GraphUser {
  '@odata.type'?: string;
  id?: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  employeeType?: string | null;
}
interface GraphGroup {
  id?: string;
  displayName?: string | null;
  isAssignableToRole?: boolean | null;
}
interface GraphAppRole {
  id: string;
  value?: string | null;
  allowedMemberTypes?: string[];
  isEnabled?: boolean;
}
interface GraphServicePrincipal {
  id?: string;
  displayName?: string | null;
  accountEnabled?: boolean | null;
  appRoles?: GraphAppRole[];
}

const USER_SELECT = 'id,displayName,mail,userPrincipalName,accountEnabled,userType,jobTitle,department,employeeType';
/** The tag on service principals shown as "Enterprise applications" (the apps people sign in to). */
const INTEGRATED_APP_TAG = 'WindowsAzureActiveDirectoryIntegratedApp';
/** Graph's "default access" app role: assigns an app that defines no user roles (appRoleAssignment docs). */
const DEFAULT_ACCESS_ROLE = '00000000-0000-0000-0000-000000000000';

/** `@odata.type` of an authentication method → its deletable collection under /authentication. */
const METHOD_COLLECTIONS: Readonly<Record<string, string>> = {
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredentialMethods',
};

const RISK_LEVELS: Readonly<Record<string, IdpRiskLevel>> = { none: 'none', low: 'low', medium: 'medium', high: 'high' };

/**
 * The user's email: `mail`, else the UPN when it is email-shaped and not a B2B guest's `#EXT#` alias.
 * A user without a mailbox has `mail` null and is known by the UPN alone, which findUsersByEmail
 * already accepts; without this fallback such a manager or catalogue owner "has no email" and can
 * never be found in chat as an approver (the request escalates instead).
 */
function emailOf(user: GraphUser): string | undefined {
  if (user.mail) return user.mail;
  const upn = user.userPrincipalName ?? '';
  return /^[^@\s#]+@[^@\s#]+\.[^@\s#]+$/.test(upn) ? upn : undefined;
}

function toIdpUser(user: GraphUser): IdpUser {
  if (!user.id || !user.userPrincipalName) throw new AppError('idp.bad_response', 'Graph user without id or userPrincipalName');
  const email = emailOf(user);
  const attributes: Record<string, string> = {};
  for (const key of ['jobTitle', 'department', 'employeeType', 'userType'] as const) {
    const value = user[key];
    if (typeof value === 'string' && value) attributes[key] = value;
  }
  return {
    id: user.id,
    login: user.userPrincipalName,
    ...(email ? { email } : {}),
    displayName: user.displayName || user.userPrincipalName,
    // Entra has no lockout state in the directory (smart lockout is sign-in-time only): an account is
    // enabled or blocked from sign-in.
    status: user.accountEnabled === false ? 'SUSPENDED' : 'ACTIVE',
    attributes,
  };
}

const isCode = (error: unknown, code: AppError['code']): error is AppError => error instanceof AppError && error.code === code;
const graphMessage = (error: AppError): string => {
  const cause = error.cause as { message?: unknown } | undefined;
  return typeof cause?.message === 'string' ? cause.message : error.message;
};
const result = (outcome: IdpWriteResult['outcome'], idpRequestId: string | undefined): IdpWriteResult => ({ outcome, ...(idpRequestId ? { idpRequestId } : {}) });

/**
 * The Microsoft Entra ID IdentityProvider on Microsoft Graph v1.0 with app-only (client-credential)
 * tokens. Every read is uncached; every call carries our request id as `client-request-id`; every
 * write reports Graph's `request-id`. Required application permissions per action: README "Entra ID".
 */
export function createEntraIdentityProvider(options: EntraAdapterOptions): IdentityProvider {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ idp: 'entra' });
  const graphUrl = (options.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
  const deps: GraphCallDeps = createGraphClient({ graphUrl, tokens: createTokenProvider(options), timeoutMs: options.requestTimeoutMs ?? 15_000, logger, clock });

  const userPath = (userId: string): string => `/users/${pathSegment(userId)}`;

  const getUser = async (userId: string, requestId?: string): Promise<IdpUser> => {
    // By object id (or a percent-encoded UPN: a guest's `#EXT#` must not end the URL, F11).
    const { result: user } = await callGraph(deps, 'getUser', requestId, (c) => c.api(userPath(userId)).select(USER_SELECT).get() as Promise<GraphUser>);
    return toIdpUser(user);
  };

  const transitiveGroups = async (userId: string, requestId?: string): Promise<GraphGroup[]> => {
    // Transitive: a nested membership grants the same access, so privileged detection and "already a
    // member" must see it. Every page is read (F07).
    const { result: groups } = await callGraph(deps, 'listTransitiveMemberOf', requestId, async (c) =>
      collectPages<GraphGroup>(c, (await c.api(`${userPath(userId)}/transitiveMemberOf/microsoft.graph.group`).select('id,displayName,isAssignableToRole').top(999).get()) as GraphPage<GraphGroup>),
    );
    return groups;
  };

  /**
   * F12: a user created moments ago can be "not found" on the replica a write lands on
   * (msgraph-sdk-dotnet #2508, microsoft-graph-docs #15839). A 404 on a write is confirmed with one
   * read of the user: present → retryable idp.unavailable (reason replication_lag), bounded by the
   * queue's backoff; really gone → the idp.not_found stands. Same rule as the Okta adapter.
   */
  const onUserWrite = async <T>(userId: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      if (!isCode(error, 'idp.not_found')) throw error;
      try {
        await getUser(userId);
      } catch (confirm) {
        throw isCode(confirm, 'idp.not_found') ? error : confirm;
      }
      throw new AppError('idp.unavailable', `${error.message}, but the user exists: taken as replication lag, retry later`, { retryable: true, cause: error, details: { ...error.details, reason: 'replication_lag' } });
    }
  };

  const revokeSessions = async (userId: string, requestId: string): Promise<string | undefined> =>
    (await callGraph(deps, 'revokeSignInSessions', requestId, (c) => c.api(`${userPath(userId)}/revokeSignInSessions`).post({}))).graphRequestId;

  const appAssignments = async (appId: string, userId: string, requestId?: string): Promise<{ id: string }[]> => {
    const { result: items } = await callGraph(deps, 'listAppRoleAssignments', requestId, async (c) =>
      collectPages<{ id: string; resourceId?: string }>(c, (await c.api(`${userPath(userId)}/appRoleAssignments`).filter(encodeFilter(`resourceId eq ${appId}`)).get()) as GraphPage<{ id: string; resourceId?: string }>),
    );
    return items.filter((a) => a.resourceId === undefined || a.resourceId === appId);
  };

  return {
    name: 'entra',
    unsupportedActions: ['account_unlock'],
    getUser: (userId) => getUser(userId),

    async findUsersByEmail(email) {
      // `mail` is the primary SMTP address; users without a mailbox often have none and sign in with
      // an email-shaped UPN. Both are matched and every match returned: the caller insists on one.
      const filter = `mail eq ${odataString(email)} or userPrincipalName eq ${odataString(email)}`;
      const { result: users } = await callGraph(deps, 'listUsers', undefined, async (c) =>
        collectPages<GraphUser>(c, (await c.api('/users').filter(encodeFilter(filter)).select(USER_SELECT).get()) as GraphPage<GraphUser>),
      );
      const wanted = email.toLowerCase();
      // Graph compares case-insensitively; re-check so a looser server can never widen the set.
      return users.filter((u) => u.mail?.toLowerCase() === wanted || u.userPrincipalName?.toLowerCase() === wanted).map(toIdpUser);
    },

    /**
     * Active directory-role assignments (`roleManagement/directory/roleAssignments`, principal = the
     * user) by role name, plus every role-assignable group the user is in (transitively), named
     * `RoleAssignableGroup:<name>`: such groups exist to carry roles, and Helpdesk/User Administrators
     * cannot manage their members (F10), so they count as privileged whatever they hold today.
     * PIM *eligible* assignments are not read (RoleEligibilitySchedule.Read.Directory); see README.
     */
    async listAdminRoles(userId) {
      const { result: assignments } = await callGraph(deps, 'listRoleAssignments', undefined, async (c) =>
        collectPages<{ roleDefinition?: { displayName?: string } }>(
          c,
          (await c.api('/roleManagement/directory/roleAssignments').filter(encodeFilter(`principalId eq ${odataString(userId)}`)).expand('roleDefinition').get()) as GraphPage<{ roleDefinition?: { displayName?: string } }>,
        ),
      );
      const roles = assignments.map((a) => a.roleDefinition?.displayName ?? 'unknown role');
      for (const group of await transitiveGroups(userId)) if (group.isAssignableToRole) roles.push(`RoleAssignableGroup:${group.displayName ?? group.id ?? ''}`);
      return [...new Set(roles)];
    },

    async listGroups(userId) {
      return (await transitiveGroups(userId)).filter((g): g is GraphGroup & { id: string } => typeof g.id === 'string').map((g): IdpGroup => ({ id: g.id, name: g.displayName ?? g.id }));
    },

    async getManager(userId) {
      try {
        const { result: manager } = await callGraph(deps, 'getManager', undefined, (c) => c.api(`${userPath(userId)}/manager`).get() as Promise<GraphUser>);
        // The manager may be an organizational contact; only a user can approve.
        if (manager['@odata.type'] !== undefined && manager['@odata.type'] !== '#microsoft.graph.user') return undefined;
        const user = toIdpUser(manager);
        return user.id === userId ? undefined : user;
      } catch (error) {
        if (isCode(error, 'idp.not_found')) return undefined;
        throw error;
      }
    },

    /**
     * `GET /identityProtection/riskyUsers/{id}` (IdentityRiskyUser.Read.All, Entra ID P2). 404: Identity
     * Protection never flagged the user → none. 403: no licence or permission → unknown. `hidden` →
     * unknown. 429/5xx still throw: a transient failure must not skip a check that would refuse.
     */
    async getUserRisk(userId) {
      try {
        const { result: risky } = await callGraph(deps, 'getRiskyUser', undefined, (c) => c.api(`/identityProtection/riskyUsers/${pathSegment(userId)}`).get() as Promise<{ riskLevel?: string }>);
        return RISK_LEVELS[String(risky.riskLevel)] ?? 'unknown';
      } catch (error) {
        if (isCode(error, 'idp.not_found')) return 'none';
        if (isCode(error, 'idp.denied') && error.details?.status === 403) return 'unknown';
        throw error;
      }
    },

    /** `displayName eq '<name>'`, exact (case-sensitive) re-check; several → refused, never guessed. */
    async findGroupByName(name) {
      if (/[\u0000-\u001f\u007f]/.test(name)) throw new AppError('config.invalid', 'group name contains a control character');
      const { result: groups } = await callGraph(deps, 'listGroups', undefined, async (c) =>
        collectPages<GraphGroup>(c, (await c.api('/groups').filter(encodeFilter(`displayName eq ${odataString(name)}`)).select('id,displayName').get()) as GraphPage<GraphGroup>),
      );
      const exact = groups.filter((g) => g.displayName === name && g.id);
      if (exact.length > 1) throw new AppError('idp.bad_response', `Entra ID has ${exact.length} groups named "${name}"`, { details: { name, count: exact.length } });
      const group = exact[0];
      return group?.id ? { id: group.id, name } : undefined;
    },

    /**
     * "Apps" are enabled enterprise applications: service principals tagged
     * WindowsAzureActiveDirectoryIntegratedApp (what the portal lists and users sign in to), every
     * page. The app id is the service principal's object id — the `resourceId` of an assignment.
     */
    async listApps() {
      const { result: principals } = await callGraph(deps, 'listServicePrincipals', undefined, async (c) =>
        collectPages<GraphServicePrincipal>(
          c,
          (await c.api('/servicePrincipals').filter(encodeFilter(`tags/any(t:t eq '${INTEGRATED_APP_TAG}')`)).select('id,displayName,accountEnabled').top(999).get()) as GraphPage<GraphServicePrincipal>,
        ),
      );
      return principals.filter((p) => p.accountEnabled !== false && p.id && p.displayName).map((p): IdpApp => ({ id: p.id as string, name: p.displayName as string }));
    },

    /**
     * `PATCH /users/{id}` with passwordProfile (User-PasswordProfile.ReadWrite.All + User/Helpdesk
     * Administrator). `authentication/methods/{id}/resetPassword` is delegated-only (STACK.md).
     * A privileged target answers 403 Authorization_RequestDenied → idp.denied, never retried (F10).
     */
    async resetPassword(userId, { revokeSessions: revoke, requestId }) {
      return onUserWrite(userId, async () => {
        const password = generateTemporaryPassword();
        const { graphRequestId } = await callGraph(deps, 'setTemporaryPassword', requestId, (c) =>
          c.api(userPath(userId)).patch({ passwordProfile: { password, forceChangePasswordNextSignIn: true } }),
        );
        // F13: a password change does not end existing sessions; a suspected compromise revokes them too.
        // A failure here comes after the password was set: marked, so it is never taken for "not applied".
        if (revoke) await revokeSessions(userId, requestId).catch((error: unknown) => Promise.reject(afterPartialWrite(error, 'the temporary password was set')));
        return { outcome: 'done' as const, secret: { kind: 'temporary_password' as const, value: password }, ...(graphRequestId ? { idpRequestId: graphRequestId } : {}) };
      });
    },

    async unlock() {
      // Entra smart lockout is enforced at sign-in and lifts by itself; Graph has no unlock API.
      // (On-premises AD lockout, synced or not, needs an LDAP adapter: later.)
      throw new AppError('idp.unsupported', 'Microsoft Entra ID has no API to unlock an account (smart lockout expires by itself)');
    },

    /**
     * `POST /users/{id}/revokeSignInSessions` (User.RevokeSessions.All). On a suspected compromise also
     * `POST /identityProtection/riskyUsers/confirmCompromised` (IdentityRiskyUser.ReadWrite.All, P2):
     * Identity Protection then raises the user's risk to high, which Conditional Access can act on.
     * Without that licence or permission the sign-out still counts; the miss is logged.
     */
    async clearSessions(userId, { requestId, compromiseSuspected }) {
      return onUserWrite(userId, async () => {
        const graphRequestId = await revokeSessions(userId, requestId);
        if (compromiseSuspected) {
          try {
            await callGraph(deps, 'confirmCompromised', requestId, (c) => c.api('/identityProtection/riskyUsers/confirmCompromised').post({ userIds: [userId] }));
          } catch (error) {
            if (!isCode(error, 'idp.denied')) throw error;
            logger.warn({ requestId, userId }, 'confirmCompromised refused (no Entra ID P2 or no IdentityRiskyUser.ReadWrite.All); sessions were revoked');
          }
        }
        return result('done', graphRequestId);
      });
    },

    /** `POST /groups/{id}/members/$ref`; 400 "…object references already exist…" = already a member (F09). */
    async addGroupMember(groupId, userId, { requestId }) {
      return onUserWrite(userId, async () => {
        try {
          const { graphRequestId } = await callGraph(deps, 'addGroupMember', requestId, (c) =>
            c.api(`/groups/${pathSegment(groupId)}/members/$ref`).post({ '@odata.id': `${graphUrl}/v1.0/directoryObjects/${userId}` }),
          );
          return result('done', graphRequestId);
        } catch (error) {
          if (error instanceof AppError && error.details?.status === 400 && /already exist/i.test(graphMessage(error))) {
            const id = error.details.graphRequestId;
            return result('already_done', typeof id === 'string' ? id : undefined);
          }
          throw error;
        }
      });
    },

    /**
     * ALWAYS `DELETE /groups/{id}/members/{userId}/$ref`: without `/$ref` the request addresses the
     * member object itself, and an app holding User.ReadWrite.All would delete the user (STACK.md).
     * 404 → confirmed with a read: still a member → retryable (replication lag or a nested
     * membership only a person can untangle); not a member → already_done.
     */
    async removeGroupMember(groupId, userId, { requestId }) {
      if (!OBJECT_ID.test(userId)) throw new AppError('idp.bad_response', 'refusing to remove a member that is not an object id');
      try {
        const { graphRequestId } = await callGraph(deps, 'removeGroupMember', requestId, (c) => c.api(`/groups/${pathSegment(groupId)}/members/${userId}/$ref`).delete());
        return result('done', graphRequestId);
      } catch (error) {
        if (!isCode(error, 'idp.not_found')) throw error;
        let stillMember = false;
        try {
          stillMember = (await transitiveGroups(userId, requestId)).some((g) => g.id === groupId);
        } catch (check) {
          if (!isCode(check, 'idp.not_found')) throw check;
        }
        if (stillMember) throw new AppError('idp.unavailable', `${error.message}, but the user is still a member: retry later`, { retryable: true, cause: error, details: { ...error.details, reason: 'replication_lag_or_nested' } });
        const id = error.details?.graphRequestId;
        return result('already_done', typeof id === 'string' ? id : undefined);
      }
    },

    /**
     * `POST /servicePrincipals/{id}/appRoleAssignedTo` (AppRoleAssignment.ReadWrite.All). An existing
     * assignment is read first → already_done. The role: the app's single enabled user role, or the
     * default-access role when it defines none; several user roles are ambiguous → refused.
     */
    async assignApp(appId, userId, { requestId }) {
      return onUserWrite(userId, async () => {
        if ((await appAssignments(appId, userId, requestId)).length > 0) return result('already_done', undefined);
        const { result: principal } = await callGraph(deps, 'getServicePrincipal', requestId, (c) => c.api(`/servicePrincipals/${pathSegment(appId)}`).select('id,displayName,appRoles').get() as Promise<GraphServicePrincipal>);
        const userRoles = (principal.appRoles ?? []).filter((r) => r.isEnabled !== false && (r.allowedMemberTypes ?? []).includes('User'));
        const role = userRoles.length === 0 ? DEFAULT_ACCESS_ROLE : userRoles.length === 1 ? userRoles[0]?.id : userRoles.find((r) => r.value === 'User')?.id;
        if (!role) throw new AppError('idp.bad_response', `App ${principal.displayName ?? appId} has ${userRoles.length} user roles; assign it by hand`, { details: { appId } });
        try {
          const { graphRequestId } = await callGraph(deps, 'assignApp', requestId, (c) => c.api(`/servicePrincipals/${pathSegment(appId)}/appRoleAssignedTo`).post({ principalId: userId, resourceId: appId, appRoleId: role }));
          return result('done', graphRequestId);
        } catch (error) {
          // Raced with another assignment: Graph says the permission "already exists".
          if (error instanceof AppError && /already exists/i.test(graphMessage(error))) return result('already_done', undefined);
          throw error;
        }
      });
    },

    async unassignApp(appId, userId, { requestId }) {
      const assignments = await appAssignments(appId, userId, requestId);
      if (assignments.length === 0) return result('already_done', undefined);
      let last: string | undefined;
      for (const assignment of assignments) {
        try {
          last = (await callGraph(deps, 'unassignApp', requestId, (c) => c.api(`/servicePrincipals/${pathSegment(appId)}/appRoleAssignedTo/${pathSegment(assignment.id)}`).delete())).graphRequestId;
        } catch (error) {
          if (!isCode(error, 'idp.not_found')) throw error;
        }
      }
      return result('done', last);
    },

    /**
     * MFA re-enrolment: delete every registered method except the password (UserAuthenticationMethod.
     * ReadWrite.All), then issue a one-time Temporary Access Pass to register new ones. A retry after a
     * partial run lists again and finishes; an old TAP is one of the deleted methods, so the new one
     * supersedes it.
     */
    async resetFactors(userId, { requestId }) {
      return onUserWrite(userId, async () => {
        const { result: methods } = await callGraph(deps, 'listAuthenticationMethods', requestId, async (c) =>
          collectPages<{ '@odata.type'?: string; id: string }>(c, (await c.api(`${userPath(userId)}/authentication/methods`).get()) as GraphPage<{ '@odata.type'?: string; id: string }>),
        );
        for (const method of methods) {
          const collection = METHOD_COLLECTIONS[method['@odata.type'] ?? ''];
          if (!collection) continue; // the password, or a type this version does not know: left alone
          try {
            await callGraph(deps, 'deleteAuthenticationMethod', requestId, (c) => c.api(`${userPath(userId)}/authentication/${collection}/${pathSegment(method.id)}`).delete());
          } catch (error) {
            if (!isCode(error, 'idp.not_found')) throw error;
          }
        }
        const lifetimeInMinutes = options.tapLifetimeMinutes ?? 60;
        const { result: tap, graphRequestId } = await callGraph(deps, 'createTemporaryAccessPass', requestId, (c) =>
          c.api(`${userPath(userId)}/authentication/temporaryAccessPassMethods`).post({ isUsableOnce: true, lifetimeInMinutes }) as Promise<{ temporaryAccessPass?: string }>,
        );
        if (!tap.temporaryAccessPass) throw new AppError('idp.bad_response', 'Graph created no Temporary Access Pass');
        return { outcome: 'done' as const, secret: { kind: 'temporary_access_pass' as const, value: tap.temporaryAccessPass }, ...(graphRequestId ? { idpRequestId: graphRequestId } : {}) };
      });
    },
  };
}
