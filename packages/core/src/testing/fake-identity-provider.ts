import { AppError } from '../domain/app-error';
import type { IdentityProvider, IdpGroup, IdpUser, IdpWriteResult, ResetPasswordResult } from '../ports/identity-provider';

/** A directory user plus what the IdP knows about their privileges. */
export interface FakeIdpUser extends IdpUser {
  adminRoles?: string[];
  groups?: IdpGroup[];
}

export type IdpOperation = 'findUsersByEmail' | 'getUser' | 'listAdminRoles' | 'listGroups' | 'resetPassword' | 'unlock' | 'clearSessions';
export type IdpWriteOperation = 'resetPassword' | 'unlock' | 'clearSessions';

export interface IdpWriteRecord {
  op: IdpWriteOperation;
  userId: string;
  requestId: string;
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
}

/**
 * An IdentityProvider over a table of users. Records every write (and every call), lets a test
 * change a user's roles/groups/status mid-flow, and throws given AppErrors on demand.
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
  /** The next `times` calls of `op` throw `error` (a write that throws is not recorded as done). */
  failNext(op: IdpOperation, error: AppError, times?: number): void;
}

export function createFakeIdentityProvider(users: FakeIdpUser[] = [], options: FakeIdentityProviderOptions = {}): FakeIdentityProvider {
  const table = new Map<string, FakeIdpUser>(users.map((u) => [u.id, structuredClone(u)]));
  const writes: IdpWriteRecord[] = [];
  const calls: { op: IdpOperation; userId?: string }[] = [];
  const failures: { op: IdpOperation; error: AppError; times: number }[] = [];
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
    const { adminRoles: _roles, groups: _groups, ...rest } = structuredClone(user);
    return rest;
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
    failNext(op, error, times = 1) {
      failures.push({ op, error, times });
    },
  };
}
