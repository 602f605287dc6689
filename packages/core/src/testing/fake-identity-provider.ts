import { AppError } from '../domain/app-error';
import type { IdentityProvider, IdpApp, IdpGroup, IdpRiskLevel, IdpUser, IdpWriteResult, ResetPasswordResult } from '../ports/identity-provider';

/** A directory user plus what the IdP knows about their privileges, manager and risk. */
export interface FakeIdpUser extends IdpUser {
  adminRoles?: string[];
  groups?: IdpGroup[];
  /** Id of the user's manager in this fake's table (getManager); none when absent or unknown. */
  managerId?: string;
  /** The IdP's risk verdict (getUserRisk); default `none`. */
  risk?: IdpRiskLevel;
}

/** An app of the fake's catalogue (listApps) and who is assigned to it. */
export interface FakeIdpApp extends IdpApp {
  /** Inactive apps are not listed (listApps returns active apps only). Default true. */
  active?: boolean;
  assignedUserIds?: string[];
}

export type IdpWriteOperation = 'resetPassword' | 'unlock' | 'clearSessions' | 'addGroupMember' | 'removeGroupMember' | 'assignApp' | 'unassignApp' | 'resetFactors';
export type IdpOperation = 'findUsersByEmail' | 'getUser' | 'listAdminRoles' | 'listGroups' | 'getManager' | 'getUserRisk' | 'findGroupByName' | 'listApps' | IdpWriteOperation;

export interface IdpWriteRecord {
  op: IdpWriteOperation;
  userId: string;
  requestId: string;
  /** For group membership writes. */
  groupId?: string;
  /** For app assignment writes. */
  appId?: string;
  revokeSessions?: boolean;
  outcome: IdpWriteResult['outcome'];
  idpRequestId: string;
  /** Only for resetPassword: the secret it issued, so a test can look for leaks. */
  secret?: string;
}

export interface FakeIdentityProviderOptions {
  name?: IdentityProvider['name'];
  /** `temporary_password` behaves like Entra, `reset_link` like Okta (default). */
  secretKind?: ResetPasswordResult['secret']['kind'];
  /** Groups findGroupByName knows besides those users are already in (requestable groups with no members yet). */
  groups?: IdpGroup[];
  /** The app catalogue (listApps, assignApp). */
  apps?: FakeIdpApp[];
}

/**
 * An IdentityProvider over a table of users, a group catalogue and an app catalogue. Records every
 * write (and every call), lets a test change a user's roles/groups/status/manager/risk mid-flow, and
 * throws given AppErrors on demand. Idempotent outcomes follow the Okta adapter: an existing
 * membership/assignment is `already_done`, removing a missing one is `already_done`.
 */
export interface FakeIdentityProvider extends IdentityProvider {
  /** Every write, in order — the assertion for "no IdP write". */
  writes(): IdpWriteRecord[];
  /** Every call by operation name, in order. */
  calls(): { op: IdpOperation; userId?: string }[];
  /** Every secret handed out by resetPassword. */
  issuedSecrets(): string[];
  /** Changes a user in place (e.g. they gain an admin role while a push waits). */
  updateUser(userId: string, change: Partial<Omit<FakeIdpUser, 'id'>>): void;
  addUser(user: FakeIdpUser): void;
  /** Sets (or clears, with undefined) a user's manager. */
  setManager(userId: string, managerId: string | undefined): void;
  setRisk(userId: string, risk: IdpRiskLevel): void;
  /** Adds a group findGroupByName can find. */
  addGroup(group: IdpGroup): void;
  addApp(app: FakeIdpApp): void;
  /** Ids of the users in a group, in table order. */
  groupMembers(groupId: string): string[];
  /** Ids of the users assigned to an app, in assignment order. */
  appAssignments(appId: string): string[];
  /** How many times resetFactors actually reset a user's factors. */
  factorResets(userId: string): number;
  /** The user enrols a factor again (after a reset): the next resetFactors is `done` again. */
  reenrol(userId: string): void;
  /** The next `times` calls of `op` throw `error` (a write that throws is not recorded as done). */
  failNext(op: IdpOperation, error: AppError, times?: number): void;
}

export function createFakeIdentityProvider(users: FakeIdpUser[] = [], options: FakeIdentityProviderOptions = {}): FakeIdentityProvider {
  const table = new Map<string, FakeIdpUser>(users.map((u) => [u.id, structuredClone(u)]));
  const writes: IdpWriteRecord[] = [];
  const calls: { op: IdpOperation; userId?: string }[] = [];
  const failures: { op: IdpOperation; error: AppError; times: number }[] = [];
  const groupCatalogue = new Map<string, IdpGroup>((options.groups ?? []).map((g) => [g.id, { ...g }]));
  const apps = new Map<string, FakeIdpApp & { assignedUserIds: string[] }>(
    (options.apps ?? []).map((a) => [a.id, { ...structuredClone(a), assignedUserIds: [...(a.assignedUserIds ?? [])] }]),
  );
  /** Users with no factor left after a reset (a second reset is `already_done`), and reset counts. */
  const unenrolled = new Set<string>();
  const resets = new Map<string, number>();
  let counter = 0;

  function enter(op: IdpOperation, userId?: string): void {
    calls.push({ op, userId });
    const failure = failures.find((f) => f.op === op && f.times > 0);
    if (failure) {
      failure.times -= 1;
      throw failure.error;
    }
  }
  function mustGet(userId: string): FakeIdpUser {
    const user = table.get(userId);
    if (!user) throw new AppError('idp.not_found', `user ${userId} not found`, { details: { userId } });
    return user;
  }
  function publicUser(user: FakeIdpUser): IdpUser {
    const { adminRoles: _roles, groups: _groups, managerId: _manager, risk: _risk, ...rest } = structuredClone(user);
    return rest;
  }
  /** Every group the fake knows: the catalogue and the groups users are in. */
  function knownGroup(groupId: string): IdpGroup | undefined {
    const listed = groupCatalogue.get(groupId);
    if (listed) return listed;
    for (const user of table.values()) {
      const found = user.groups?.find((g) => g.id === groupId);
      if (found) return found;
    }
    return undefined;
  }
  function mustGroup(groupId: string): IdpGroup {
    const group = knownGroup(groupId);
    if (!group) throw new AppError('idp.not_found', `group ${groupId} not found`, { details: { groupId } });
    return group;
  }
  function mustApp(appId: string): FakeIdpApp & { assignedUserIds: string[] } {
    const app = apps.get(appId);
    if (!app) throw new AppError('idp.not_found', `app ${appId} not found`, { details: { appId } });
    return app;
  }
  function record(op: IdpWriteOperation, userId: string, requestId: string, outcome: IdpWriteResult['outcome'], extra: { groupId?: string; appId?: string } = {}): IdpWriteResult {
    const idpRequestId = nextRequestId();
    writes.push({ op, userId, requestId, ...extra, outcome, idpRequestId });
    return { outcome, idpRequestId };
  }
  function nextRequestId(): string {
    counter += 1;
    return `idp-req-${counter}`;
  }

  return {
    name: options.name ?? 'sandbox',
    async findUsersByEmail(email) {
      enter('findUsersByEmail');
      const wanted = email.toLowerCase();
      return [...table.values()].filter((u) => u.email?.toLowerCase() === wanted).map(publicUser);
    },
    async getUser(userId) {
      enter('getUser', userId);
      return publicUser(mustGet(userId));
    },
    async listAdminRoles(userId) {
      enter('listAdminRoles', userId);
      return [...(mustGet(userId).adminRoles ?? [])];
    },
    async listGroups(userId) {
      enter('listGroups', userId);
      return structuredClone(mustGet(userId).groups ?? []);
    },
    async getManager(userId) {
      enter('getManager', userId);
      const user = mustGet(userId);
      const manager = user.managerId === undefined || user.managerId === userId ? undefined : table.get(user.managerId);
      return manager ? publicUser(manager) : undefined;
    },
    async getUserRisk(userId) {
      enter('getUserRisk', userId);
      // Like the Okta adapter: a user the risk engine does not know is `unknown`, not an error.
      return table.get(userId)?.risk ?? (table.has(userId) ? 'none' : 'unknown');
    },
    async findGroupByName(name) {
      enter('findGroupByName');
      const all = new Map<string, IdpGroup>(groupCatalogue);
      for (const user of table.values()) for (const g of user.groups ?? []) if (!all.has(g.id)) all.set(g.id, g);
      const found = [...all.values()].find((g) => g.name === name);
      return found ? { ...found } : undefined;
    },
    async listApps() {
      enter('listApps');
      return [...apps.values()].filter((a) => a.active !== false).map((a) => ({ id: a.id, name: a.name }));
    },
    async addGroupMember(groupId, userId, opts) {
      enter('addGroupMember', userId);
      const user = mustGet(userId);
      const group = mustGroup(groupId);
      const isMember = (user.groups ?? []).some((g) => g.id === groupId);
      if (!isMember) user.groups = [...(user.groups ?? []), { id: group.id, name: group.name }];
      return record('addGroupMember', userId, opts.requestId, isMember ? 'already_done' : 'done', { groupId });
    },
    async removeGroupMember(groupId, userId, opts) {
      enter('removeGroupMember', userId);
      const user = mustGet(userId);
      const isMember = (user.groups ?? []).some((g) => g.id === groupId);
      if (isMember) user.groups = (user.groups ?? []).filter((g) => g.id !== groupId);
      return record('removeGroupMember', userId, opts.requestId, isMember ? 'done' : 'already_done', { groupId });
    },
    async assignApp(appId, userId, opts) {
      enter('assignApp', userId);
      mustGet(userId);
      const app = mustApp(appId);
      const assigned = app.assignedUserIds.includes(userId);
      if (!assigned) app.assignedUserIds.push(userId);
      return record('assignApp', userId, opts.requestId, assigned ? 'already_done' : 'done', { appId });
    },
    async unassignApp(appId, userId, opts) {
      enter('unassignApp', userId);
      mustGet(userId);
      const app = mustApp(appId);
      const assigned = app.assignedUserIds.includes(userId);
      if (assigned) app.assignedUserIds = app.assignedUserIds.filter((id) => id !== userId);
      return record('unassignApp', userId, opts.requestId, assigned ? 'done' : 'already_done', { appId });
    },
    async resetFactors(userId, opts) {
      enter('resetFactors', userId);
      mustGet(userId);
      // Like Okta: once reset, the user has no factor until they re-enrol, so a second reset has nothing to do.
      const already = unenrolled.has(userId);
      if (!already) {
        unenrolled.add(userId);
        resets.set(userId, (resets.get(userId) ?? 0) + 1);
      }
      return record('resetFactors', userId, opts.requestId, already ? 'already_done' : 'done');
    },
    async resetPassword(userId, opts) {
      enter('resetPassword', userId);
      mustGet(userId);
      const idpRequestId = nextRequestId();
      const kind = options.secretKind ?? 'reset_link';
      // Unique per call so a leak of one specific secret can be searched for.
      const value = kind === 'reset_link' ? `https://idp.example.test/reset/tok-${idpRequestId}-s3cr3t` : `Tmp-${idpRequestId}-s3cr3t!`;
      writes.push({ op: 'resetPassword', userId, requestId: opts.requestId, revokeSessions: opts.revokeSessions, outcome: 'done', idpRequestId, secret: value });
      return { outcome: 'done', idpRequestId, secret: { kind, value } };
    },
    async unlock(userId, opts) {
      enter('unlock', userId);
      const user = mustGet(userId);
      const idpRequestId = nextRequestId();
      // Okta answers an unlock of a not-locked user without changing anything.
      const outcome = user.status === 'LOCKED_OUT' ? 'done' : 'already_done';
      if (outcome === 'done') user.status = 'ACTIVE';
      writes.push({ op: 'unlock', userId, requestId: opts.requestId, outcome, idpRequestId });
      return { outcome, idpRequestId };
    },
    async clearSessions(userId, opts) {
      enter('clearSessions', userId);
      mustGet(userId);
      const idpRequestId = nextRequestId();
      writes.push({ op: 'clearSessions', userId, requestId: opts.requestId, outcome: 'done', idpRequestId });
      return { outcome: 'done', idpRequestId };
    },
    writes: () => writes.map((w) => ({ ...w })),
    calls: () => calls.map((c) => ({ ...c })),
    issuedSecrets: () => writes.flatMap((w) => (w.secret === undefined ? [] : [w.secret])),
    updateUser(userId, change) {
      table.set(userId, { ...mustGet(userId), ...structuredClone(change) });
    },
    addUser(user) {
      table.set(user.id, structuredClone(user));
    },
    setManager(userId, managerId) {
      const user = mustGet(userId);
      if (managerId === undefined) delete user.managerId;
      else user.managerId = managerId;
    },
    setRisk(userId, risk) {
      mustGet(userId).risk = risk;
    },
    addGroup(group) {
      groupCatalogue.set(group.id, { ...group });
    },
    addApp(app) {
      apps.set(app.id, { ...structuredClone(app), assignedUserIds: [...(app.assignedUserIds ?? [])] });
    },
    groupMembers: (groupId) => [...table.values()].filter((u) => (u.groups ?? []).some((g) => g.id === groupId)).map((u) => u.id),
    appAssignments: (appId) => [...mustApp(appId).assignedUserIds],
    factorResets: (userId) => resets.get(userId) ?? 0,
    reenrol(userId) {
      unenrolled.delete(userId);
    },
    failNext(op, error, times = 1) {
      failures.push({ op, error, times });
    },
  };
}
