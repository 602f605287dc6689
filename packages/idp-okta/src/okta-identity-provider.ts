import { AppError, silentLogger, systemClock } from '@keyward/core';
import type { IdentityProvider, IdpGroup, IdpUser, IdpUserStatus, IdpWriteResult, ResetPasswordResult } from '@keyward/core';
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

/** The Okta IdentityProvider: every read is uncached and every write reports Okta's request id. */
export function createOktaIdentityProvider(options: OktaAdapterOptions): IdentityProvider {
  const { client, executor } = createOktaSdk(options);
  const deps: OktaCallDeps = { executor, logger: (options.logger ?? silentLogger).child({ idp: 'okta' }), clock: options.clock ?? systemClock };

  const getUser = async (userId: string): Promise<IdpUser> => {
    const { result } = await callOkta(deps, 'getUser', { userId }, () => client.userApi.getUser({ userId }));
    return toIdpUser(result as OktaUserLike);
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
      // The Collection follows every `Link: rel="next"` (200 a page): membership #250 is seen (F07).
      const { result } = await callOkta(deps, 'listUserGroups', { userId }, async () => collectAll(await client.userApi.listUserGroups({ userId })));
      return result.map((g): IdpGroup => {
        const name = (g.profile as { name?: unknown } | undefined)?.name;
        if (!g.id || typeof name !== 'string') throw new AppError('idp.bad_response', 'Okta group without id or name');
        return { id: g.id, name };
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
        const { lastRequestId } = await callOkta(deps, 'unlockUser', { userId, requestId }, () => client.userApi.unlockUser({ userId }));
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
