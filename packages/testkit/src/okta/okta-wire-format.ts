import { randomBytes } from 'node:crypto';
import type { AppAssignmentRecord, AppRecord, FactorRecord, GroupRecord, PushTransaction, RoleRecord, UserRecord } from './okta-directory';
import { DEFAULT_USER_SCHEMA_ID } from './okta-user-schema';

/**
 * JSON bodies exactly as the Okta Management API sends them (shapes from the published spec,
 * shared/specs/okta-management.yaml, and its examples; checked by okta-spec-conformance.int.test.ts).
 */
type Json = Record<string, unknown>;

const iso = (ms: number): string => new Date(ms).toISOString();
const link = (href: string, allow?: string[]): Json => (allow ? { href, hints: { allow } } : { href });

export function userJson(base: string, user: UserRecord, view: 'single' | 'collection'): Json {
  const self = `${base}/api/v1/users/${user.id}`;
  // "For a collection of users, the links object contains only the self link" (spec: User._links).
  const links: Json = { self: link(self) };
  if (view === 'single') {
    links.resetPassword = link(`${self}/lifecycle/reset_password`, ['POST']);
    links.resetFactors = link(`${self}/lifecycle/reset_factors`, ['POST']);
    links.expirePassword = link(`${self}/lifecycle/expire_password`, ['POST']);
    links.suspend = link(`${self}/lifecycle/suspend`, ['POST']);
    links.deactivate = link(`${self}/lifecycle/deactivate`, ['POST']);
    if (user.status === 'LOCKED_OUT') links.unlock = link(`${self}/lifecycle/unlock`, ['POST']);
    links.schema = link(`${base}/api/v1/meta/schemas/user/${DEFAULT_USER_SCHEMA_ID}`);
    links.type = link(`${base}/api/v1/meta/types/user/oty1defaultusertype`);
  }
  return {
    id: user.id,
    status: user.status,
    created: iso(user.created),
    activated: iso(user.activated),
    statusChanged: iso(user.statusChanged),
    lastLogin: iso(user.lastLogin),
    lastUpdated: iso(user.lastUpdated),
    passwordChanged: iso(user.passwordChanged),
    type: { id: 'oty1defaultusertype' },
    profile: { ...user.profile },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: links,
  };
}

export function groupJson(base: string, group: GroupRecord): Json {
  const self = `${base}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: iso(group.created),
    lastUpdated: iso(group.lastUpdated),
    lastMembershipUpdated: iso(group.lastMembershipUpdated),
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: {
      logo: [
        { name: 'medium', href: `${base}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' },
        { name: 'large', href: `${base}/assets/img/logos/groups/okta-large.png`, type: 'image/png' },
      ],
      users: link(`${self}/users`),
      apps: link(`${self}/apps`),
    },
  };
}

/**
 * An app instance as listApplications/getApplication send it. The fake's apps are SAML 2.0 apps
 * (what Figma and Salesforce are in the OIN); the spec's discriminator checks it as SamlApplication.
 */
export function appJson(base: string, app: AppRecord): Json {
  const self = `${base}/api/v1/apps/${app.id}`;
  return {
    id: app.id,
    name: app.name,
    label: app.label,
    status: app.status,
    created: iso(app.created),
    lastUpdated: iso(app.lastUpdated),
    signOnMode: 'SAML_2_0',
    features: [],
    accessibility: { selfService: false },
    visibility: { autoSubmitToolbar: false, hide: { iOS: false, web: false }, appLinks: { [`${app.name}_link`]: true } },
    credentials: { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' } },
    settings: { app: {} },
    _links: {
      self: link(self),
      users: link(`${self}/users`),
      groups: link(`${self}/groups`),
      metadata: link(`${self}/sso/saml/metadata`),
      appLinks: [{ name: `${app.name}_link`, href: `${base}/home/${app.name}/${app.id}/aln1`, type: 'text/html' }],
      logo: [{ name: 'medium', href: `${base}/assets/img/logos/default.png`, type: 'image/png' }],
      ...(app.status === 'ACTIVE' ? { deactivate: link(`${self}/lifecycle/deactivate`) } : { activate: link(`${self}/lifecycle/activate`) }),
    },
  };
}

/** An Application User (a user's assignment to an app), as assignUserToApplication/getApplicationUser send it. */
export function appUserJson(base: string, app: AppRecord, assignment: AppAssignmentRecord, user: UserRecord): Json {
  return {
    id: assignment.userId,
    created: iso(assignment.created),
    lastUpdated: iso(assignment.lastUpdated),
    scope: assignment.scope,
    status: 'ACTIVE',
    statusChanged: iso(assignment.created),
    passwordChanged: null,
    // An SSO-only app has no provisioning, so no sync (spec: AppUserSyncState DISABLED).
    syncState: 'DISABLED',
    credentials: { userName: user.profile.login ?? '' },
    profile: {},
    _links: {
      app: link(`${base}/api/v1/apps/${app.id}`),
      user: link(`${base}/api/v1/users/${assignment.userId}`),
    },
  };
}

/** Body of `GET /users/{id}/risk` (spec examples UserRiskResponse / UserRiskNoneResponse). */
export function userRiskJson(base: string, user: UserRecord): Json {
  const self = `${base}/api/v1/users/${user.id}`;
  return {
    riskLevel: user.risk,
    ...(user.risk === 'NONE' ? {} : { reason: 'Admin override risk' }),
    _links: { self: link(`${self}/risk`, ['GET', 'PUT']), user: link(self, ['GET']) },
  };
}

export function roleJson(base: string, userId: string, role: RoleRecord): Json {
  return {
    id: role.id,
    label: role.label,
    type: role.type,
    status: 'ACTIVE',
    created: iso(role.created),
    lastUpdated: iso(role.created),
    assignmentType: 'USER',
    _links: { assignee: link(`${base}/api/v1/users/${userId}`) },
  };
}

export function factorJson(base: string, userId: string, factor: FactorRecord): Json {
  const self = `${base}/api/v1/users/${userId}/factors/${factor.id}`;
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.provider,
    status: factor.status,
    created: iso(factor.created),
    lastUpdated: iso(factor.created),
    profile: { ...factor.profile },
    _links: {
      self: link(self, ['GET', 'DELETE']),
      verify: link(`${self}/verify`, ['POST']),
      user: link(`${base}/api/v1/users/${userId}`, ['GET']),
    },
  };
}

function txLinks(base: string, tx: PushTransaction): Json {
  const href = `${base}/api/v1/users/${tx.userId}/factors/${tx.factorId}/transactions/${tx.id}`;
  return { poll: link(href, ['GET']), cancel: link(href, ['DELETE']) };
}

/**
 * 201 body of `POST …/factors/{fid}/verify` for push (spec example
 * UserFactorChallengePushResponseWithNumberMatchingChallenge: no `profile`, unlike the transaction).
 */
export function pushChallengeJson(base: string, tx: PushTransaction): Json {
  return {
    expiresAt: iso(tx.expiresAt),
    factorResult: 'WAITING',
    _links: txLinks(base, tx),
    ...(tx.correctAnswer === undefined ? {} : { _embedded: { challenge: { correctAnswer: tx.correctAnswer } } }),
  };
}

/** Body of `GET …/transactions/{tid}` (spec examples UserFactorVerifyPushTransaction*). */
export function pushTransactionJson(base: string, tx: PushTransaction, result: PushTransaction['result'], credentialId: string): Json {
  if (result === 'SUCCESS') return { factorResult: 'SUCCESS' };
  if (result === 'WAITING') return { ...pushChallengeJson(base, tx), profile: { credentialId } };
  const factor = `${base}/api/v1/users/${tx.userId}/factors/${tx.factorId}`;
  return {
    factorResult: result,
    profile: { credentialId },
    _links: { verify: link(`${factor}/verify`, ['POST']), factor: link(factor, ['GET', 'DELETE']) },
  };
}

export interface OktaErrorShape {
  status: number;
  errorCode: string;
  errorSummary: string;
  errorCauses?: string[];
}

/** Okta error body: errorCode, errorSummary, errorLink (= the code), errorId, errorCauses (error-codes reference). */
export function errorJson(e: OktaErrorShape): Json {
  return {
    errorCode: e.errorCode,
    errorSummary: e.errorSummary,
    errorLink: e.errorCode,
    errorId: `oae${randomBytes(16).toString('base64url').slice(0, 22)}`,
    errorCauses: (e.errorCauses ?? []).map((errorSummary) => ({ errorSummary })),
  };
}

/** The codes this fake uses, with the status and wording of Okta's error-codes reference. */
export const OKTA_ERRORS = {
  invalidToken: { status: 401, errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
  accessDenied: { status: 403, errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' },
  // A feature the org has not licensed or enabled (here: user risk without Identity Threat Protection).
  featureNotEnabled: { status: 403, errorCode: 'E0000015', errorSummary: 'You do not have permission to access the feature you are requesting' },
  notFound: (what: string): OktaErrorShape => ({ status: 404, errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${what}` }),
  validation: (cause: string): OktaErrorShape => ({ status: 400, errorCode: 'E0000001', errorSummary: 'Api validation failed', errorCauses: [cause] }),
  invalidSearch: { status: 400, errorCode: 'E0000031', errorSummary: 'Invalid search criteria.' },
  // Unlocking a user that is not LOCKED_OUT: 403 E0000032 "Unlock is not allowed for this user."
  unlockNotAllowed: { status: 403, errorCode: 'E0000032', errorSummary: 'Unlock is not allowed for this user.' },
  rateLimited: { status: 429, errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
  internal: { status: 500, errorCode: 'E0000009', errorSummary: 'Internal Server Error' },
  methodNotAllowed: { status: 405, errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' },
} satisfies Record<string, OktaErrorShape | ((arg: string) => OktaErrorShape)>;
