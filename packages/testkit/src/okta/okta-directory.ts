import { randomBytes, randomInt } from 'node:crypto';
import { applyUserSchemaSeed, defaultUserSchema } from './okta-user-schema';
import type { UserSchemaRecord } from './okta-user-schema';
import type { OktaRiskEngine, OktaRiskLevel, OktaSeed, OktaStandardRoleType, OktaUserStatus, PendingPush, PushResult, SeedApp, SeedFactor, SeedGroup, SeedUser } from './okta-fake-types';

/**
 * The in-memory directory behind the Okta fake: users, groups, memberships, roles, factors, user risk,
 * apps and their user assignments, push transactions, the user profile schema. No HTTP here; okta-fake-server.ts maps routes onto these records.
 */
export interface UserRecord {
  id: string;
  status: OktaUserStatus;
  created: number;
  activated: number;
  statusChanged: number;
  lastUpdated: number;
  passwordChanged: number;
  lastLogin: number;
  profile: Record<string, string>;
  groupIds: string[];
  roles: RoleRecord[];
  factors: FactorRecord[];
  sessions: number;
  risk: OktaRiskLevel;
}

export interface AppAssignmentRecord {
  userId: string;
  /** Only direct assignments are modelled; group-based ones (`GROUP`) would come from group rules. */
  scope: 'USER';
  created: number;
  lastUpdated: number;
}

export interface AppRecord {
  id: string;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: number;
  lastUpdated: number;
  /** Keyed by user id, in assignment order. */
  assignments: Map<string, AppAssignmentRecord>;
}

export interface GroupRecord {
  id: string;
  name: string;
  description: string;
  type: 'OKTA_GROUP' | 'BUILT_IN' | 'APP_GROUP';
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
}

export interface RoleRecord {
  id: string;
  type: OktaStandardRoleType;
  label: string;
  created: number;
}

export interface FactorRecord {
  id: string;
  factorType: SeedFactor['factorType'];
  provider: 'OKTA' | 'GOOGLE';
  status: 'ACTIVE' | 'PENDING_ACTIVATION' | 'INACTIVE';
  created: number;
  profile: Record<string, string>;
}

export interface PushTransaction {
  id: string;
  userId: string;
  factorId: string;
  correctAnswer: number | undefined;
  choices: number[] | undefined;
  createdAt: number;
  expiresAt: number;
  result: PushResult;
  userAgent: string | undefined;
}

const ROLE_LABELS: Record<OktaStandardRoleType, string> = {
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  APP_ADMIN: 'Application Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  MOBILE_ADMIN: 'Mobile Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
  SUPER_ADMIN: 'Super Administrator',
  USER_ADMIN: 'User Administrator',
};

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Okta ids are 20 characters: a 3-character type prefix (00u user, 00g group, opf push factor…) + 17. */
export function oktaId(prefix: string): string {
  const bytes = randomBytes(17);
  let out = prefix;
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

const FACTOR_PREFIX: Record<SeedFactor['factorType'], string> = {
  push: 'opf',
  sms: 'sms',
  email: 'emf',
  'token:software:totp': 'ost',
  question: 'ufs',
};

export interface OktaDirectoryOptions {
  now: () => number;
  pushTtlMs: number;
}

export class OktaDirectory {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly pushes = new Map<string, PushTransaction>();
  readonly apps = new Map<string, AppRecord>();
  riskEngine: OktaRiskEngine = 'enabled';
  /** The default user type's profile schema (getUserSchema). */
  readonly userSchema: UserSchemaRecord;

  constructor(private readonly options: OktaDirectoryOptions) {
    this.userSchema = defaultUserSchema(options.now());
  }

  seed(seed: OktaSeed): void {
    for (const g of seed.groups ?? []) this.addGroup(g);
    for (const u of seed.users ?? []) this.addUser(u);
    for (const a of seed.apps ?? []) this.addApp(a);
    if (seed.userSchema) applyUserSchemaSeed(this.userSchema, seed.userSchema, this.options.now());
  }

  addApp(seed: SeedApp): AppRecord {
    const t = this.options.now();
    const app: AppRecord = {
      // App instance ids start with 0oa (developer.okta.com Apps API examples).
      id: seed.id ?? oktaId('0oa'),
      // OIN SAML apps carry a lower-case key name (e.g. `salesforce`); derive one from the label.
      name: seed.name ?? (seed.label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'app'),
      label: seed.label,
      status: seed.status ?? 'ACTIVE',
      created: t,
      lastUpdated: t,
      assignments: new Map(),
    };
    if (this.apps.has(app.id)) throw new Error(`duplicate app id ${app.id}`);
    this.apps.set(app.id, app);
    for (const ref of seed.assignedUsers ?? []) {
      const user = this.findUser(ref);
      if (!user) throw new Error(`unknown user ${ref} assigned to app ${app.label}`);
      this.assignApp(app, user);
    }
    return app;
  }

  /** An app by id or exact label. */
  resolveApp(ref: string): AppRecord {
    const app = this.apps.get(ref) ?? [...this.apps.values()].find((a) => a.label === ref);
    if (!app) throw new Error(`unknown app ${ref}`);
    return app;
  }

  /** Returns the assignment and whether it was created now (false: the user was already assigned). */
  assignApp(app: AppRecord, user: UserRecord): { assignment: AppAssignmentRecord; created: boolean } {
    const existing = app.assignments.get(user.id);
    if (existing) return { assignment: existing, created: false };
    const t = this.options.now();
    const assignment: AppAssignmentRecord = { userId: user.id, scope: 'USER', created: t, lastUpdated: t };
    app.assignments.set(user.id, assignment);
    return { assignment, created: true };
  }

  /** Members of a group, in directory order. */
  groupMembers(groupId: string): UserRecord[] {
    return [...this.users.values()].filter((u) => u.groupIds.includes(groupId));
  }

  /** Returns false when the user was not a member. */
  removeMember(groupId: string, userId: string): boolean {
    const user = this.mustUser(userId);
    const group = this.resolveGroup(groupId);
    if (!user.groupIds.includes(group.id)) return false;
    user.groupIds = user.groupIds.filter((id) => id !== group.id);
    group.lastMembershipUpdated = this.options.now();
    return true;
  }

  /** reset_factors: every enrolment goes back to unenrolled, so the user re-enrols at next sign-in. */
  resetFactors(user: UserRecord): void {
    user.factors = [];
    user.lastUpdated = this.options.now();
  }

  addGroup(seed: SeedGroup): GroupRecord {
    const t = this.options.now();
    const group: GroupRecord = {
      id: seed.id ?? oktaId('00g'),
      name: seed.name,
      description: seed.description ?? '',
      type: seed.type ?? 'OKTA_GROUP',
      created: t,
      lastUpdated: t,
      lastMembershipUpdated: t,
    };
    if (this.groups.has(group.id)) throw new Error(`duplicate group id ${group.id}`);
    this.groups.set(group.id, group);
    return group;
  }

  addUser(seed: SeedUser): UserRecord {
    const t = this.options.now();
    const id = seed.id ?? oktaId('00u');
    if (this.users.has(id)) throw new Error(`duplicate user id ${id}`);
    if (this.findByLogin(seed.login)) throw new Error(`duplicate login ${seed.login}`);
    const user: UserRecord = {
      id,
      status: seed.status ?? 'ACTIVE',
      created: t,
      activated: t,
      statusChanged: t,
      lastUpdated: t,
      passwordChanged: t,
      lastLogin: t,
      profile: { ...seed.profile, firstName: seed.firstName, lastName: seed.lastName, email: seed.email, login: seed.login },
      groupIds: [],
      roles: (seed.roles ?? []).map((type) => ({ id: oktaId('ra1'), type, label: ROLE_LABELS[type], created: t })),
      factors: (seed.factors ?? []).map((f) => this.makeFactor(f, seed)),
      sessions: seed.sessions ?? 1,
      risk: seed.risk ?? 'NONE',
    };
    this.users.set(id, user);
    for (const ref of seed.groups ?? []) this.addMember(this.resolveGroup(ref).id, id);
    return user;
  }

  private makeFactor(f: SeedFactor, user: SeedUser): FactorRecord {
    const profile: Record<string, string> =
      f.factorType === 'push'
        ? { credentialId: user.login, deviceType: 'SmartPhone_IPhone', name: f.label ?? `${user.firstName}'s iPhone`, platform: 'IOS', version: '17.5' }
        : f.factorType === 'sms'
          ? { phoneNumber: f.label ?? '+14155550100' }
          : f.factorType === 'email'
            ? { email: f.label ?? user.email }
            : f.factorType === 'question'
              ? { question: 'favorite_art_piece', questionText: 'What is your favorite piece of art?' }
              : { credentialId: user.login };
    return {
      id: f.id ?? oktaId(FACTOR_PREFIX[f.factorType]),
      factorType: f.factorType,
      provider: f.factorType === 'token:software:totp' ? 'GOOGLE' : 'OKTA',
      status: f.status ?? 'ACTIVE',
      created: this.options.now(),
      profile,
    };
  }

  resolveGroup(ref: string): GroupRecord {
    const byId = this.groups.get(ref);
    if (byId) return byId;
    const byName = [...this.groups.values()].find((g) => g.name === ref);
    if (!byName) throw new Error(`unknown group ${ref}`);
    return byName;
  }

  addMember(groupId: string, userId: string): void {
    const user = this.mustUser(userId);
    const group = this.resolveGroup(groupId);
    if (!user.groupIds.includes(group.id)) {
      user.groupIds.push(group.id);
      group.lastMembershipUpdated = this.options.now();
    }
  }

  mustUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new Error(`unknown user ${id}`);
    return user;
  }

  findByLogin(login: string): UserRecord | undefined {
    const wanted = login.toLowerCase();
    return [...this.users.values()].find((u) => (u.profile.login ?? '').toLowerCase() === wanted);
  }

  /**
   * Okta's getUser accepts an id, a login, or a login shortname "as long as the shortname is
   * unambiguous" (spec: pathId_userId).
   */
  findUser(idOrLogin: string): UserRecord | undefined {
    const byId = this.users.get(idOrLogin);
    if (byId) return byId;
    const byLogin = this.findByLogin(idOrLogin);
    if (byLogin) return byLogin;
    const short = idOrLogin.toLowerCase();
    const matches = [...this.users.values()].filter((u) => (u.profile.login ?? '').toLowerCase().split('@')[0] === short);
    return matches.length === 1 ? matches[0] : undefined;
  }

  setStatus(user: UserRecord, status: OktaUserStatus): void {
    const t = this.options.now();
    user.status = status;
    user.statusChanged = t;
    user.lastUpdated = t;
  }

  startPush(user: UserRecord, factor: FactorRecord, numberMatching: boolean, userAgent: string | undefined): PushTransaction {
    const now = this.options.now();
    let correctAnswer: number | undefined;
    let choices: number[] | undefined;
    if (numberMatching) {
      // Okta Verify number matching shows three two-digit-or-less numbers, one of them correct.
      correctAnswer = randomInt(1, 100);
      const set = new Set<number>([correctAnswer]);
      while (set.size < 3) set.add(randomInt(1, 100));
      choices = [...set];
      for (let i = choices.length - 1; i > 0; i -= 1) {
        const j = randomInt(0, i + 1);
        [choices[i], choices[j]] = [choices[j] as number, choices[i] as number];
      }
    }
    const tx: PushTransaction = {
      id: `v2mst.${randomBytes(16).toString('base64url')}`,
      userId: user.id,
      factorId: factor.id,
      correctAnswer,
      choices,
      createdAt: now,
      expiresAt: now + this.options.pushTtlMs,
      result: 'WAITING',
      userAgent,
    };
    this.pushes.set(tx.id, tx);
    return tx;
  }

  /** The current result, turning a WAITING push past its lifetime into TIMEOUT (lazily, on read). */
  pushResult(tx: PushTransaction): PushResult {
    if (tx.result === 'WAITING' && this.options.now() >= tx.expiresAt) tx.result = 'TIMEOUT';
    return tx.result;
  }

  pendingPushes(userIdOrLogin?: string): PendingPush[] {
    const user = userIdOrLogin === undefined ? undefined : this.findUser(userIdOrLogin);
    if (userIdOrLogin !== undefined && !user) return [];
    return [...this.pushes.values()]
      .filter((tx) => (!user || tx.userId === user.id) && this.pushResult(tx) === 'WAITING')
      .map((tx) => ({
        transactionId: tx.id,
        userId: tx.userId,
        factorId: tx.factorId,
        ...(tx.correctAnswer === undefined ? {} : { correctAnswer: tx.correctAnswer }),
        ...(tx.choices === undefined ? {} : { choices: tx.choices }),
        createdAt: new Date(tx.createdAt).toISOString(),
        expiresAt: new Date(tx.expiresAt).toISOString(),
        ...(tx.userAgent === undefined ? {} : { userAgent: tx.userAgent }),
      }));
  }

  /** Approve (with the number picked on the phone), deny, or expire a push. Returns the new result. */
  answerPush(transactionId: string, answer: { approve: true; number?: number } | { approve: false } | { timeout: true }): PushResult {
    const tx = this.pushes.get(transactionId);
    if (!tx) throw new Error(`unknown push transaction ${transactionId}`);
    if (this.pushResult(tx) !== 'WAITING') return tx.result;
    if ('timeout' in answer) tx.result = 'TIMEOUT';
    else if (!answer.approve) tx.result = 'REJECTED';
    // Picking the wrong number on the phone fails the challenge: Okta reports it as REJECTED.
    else tx.result = tx.correctAnswer === undefined || answer.number === tx.correctAnswer ? 'SUCCESS' : 'REJECTED';
    return tx.result;
  }
}
