import { randomBytes } from 'node:crypto';
import type { AppRecord, GroupRecord, OktaDirectory, UserRecord } from './okta-directory';
import { InvalidSearchError, matchesSearch, parseSearch } from './search-filter';
import type { SearchExpression } from './search-filter';
import type { OktaErrorShape } from './okta-wire-format';
import { DEFAULT_USER_SCHEMA_ID, userSchemaJson } from './okta-user-schema';
import { OKTA_ERRORS, appJson, appUserJson, factorJson, groupJson, pushChallengeJson, pushTransactionJson, roleJson, userJson, userRiskJson } from './okta-wire-format';

/** The Okta Management API operations the fake serves, keyed by the spec's operationId. */
export interface ApiRequest {
  method: string;
  /** Decoded path segments after the matched prefix. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** Origin the client used (scheme://host:port), for `_links` and `Link` headers. */
  base: string;
}

export type ApiReply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { error: OktaErrorShape };

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  operation: string;
  handle(req: ApiRequest, dir: OktaDirectory): ApiReply;
}

const SEG = '([^/]+)';
const route = (method: ApiRoute['method'], path: string, operation: string, handle: ApiRoute['handle']): ApiRoute => ({
  method,
  pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, SEG)}$`),
  operation,
  handle,
});

/** Okta caps list pages; listUserGroups and user search default to 200 items a page (developer.okta.com pagination). */
const DEFAULT_PAGE = 200;
const MAX_PAGE = 200;
/**
 * listApplications: real Okta pages apps 20 at a time unless `limit` says otherwise (at most 200, spec
 * `limit.maximum`), so an adapter that forgets to follow `next` sees only the first 20 (F07).
 */
const APPS_DEFAULT_PAGE = 20;

/**
 * Cursor pagination as Okta does it: `after` is an opaque cursor (here: the last id of the previous
 * page), and the next page is announced by `Link: <…>; rel="next"` beside `rel="self"`.
 */
function paginate<T extends { id: string }>(
  req: ApiRequest,
  path: string,
  items: T[],
  extra: Record<string, string> = {},
  pageSizes: { default: number; max: number } = { default: DEFAULT_PAGE, max: MAX_PAGE },
): { page: T[]; link: string } {
  const rawLimit = req.query.get('limit');
  const parsed = rawLimit === null ? pageSizes.default : Number.parseInt(rawLimit, 10);
  const limit = Number.isFinite(parsed) && parsed > 0 ? Math.min(parsed, pageSizes.max) : pageSizes.default;
  const after = req.query.get('after');
  let start = 0;
  if (after) {
    const index = items.findIndex((i) => i.id === after);
    start = index < 0 ? items.length : index + 1;
  }
  const page = items.slice(start, start + limit);
  const url = (q: Record<string, string>): string => `${req.base}${path}?${new URLSearchParams({ ...extra, ...q }).toString()}`;
  const selfQuery: Record<string, string> = after ? { after, limit: String(limit) } : { limit: String(limit) };
  const links = [`<${url(selfQuery)}>; rel="self"`];
  const last = page[page.length - 1];
  if (start + limit < items.length && last) links.push(`<${url({ after: last.id, limit: String(limit) })}>; rel="next"`);
  return { page, link: links.join(', ') };
}

function withUser(req: ApiRequest, dir: OktaDirectory, then: (user: UserRecord) => ApiReply): ApiReply {
  const ref = req.params[0] ?? '';
  const user = dir.findUser(ref);
  if (!user) return { error: OKTA_ERRORS.notFound(`User (${ref})`) };
  return then(user);
}

/** Parses a `search`/`filter` expression, or answers Okta's E0000031. */
function parseExpression(expression: string): { parsed: SearchExpression } | { error: OktaErrorShape } {
  try {
    return { parsed: parseSearch(expression) };
  } catch (e) {
    if (e instanceof InvalidSearchError) return { error: OKTA_ERRORS.invalidSearch };
    throw e;
  }
}

/** The query parameters a list echoes into its `Link` URLs (search, filter), so `next` keeps the filter. */
function echoed(req: ApiRequest, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = req.query.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

function withGroup(req: ApiRequest, dir: OktaDirectory, then: (group: GroupRecord) => ApiReply): ApiReply {
  const id = req.params[0] ?? '';
  const group = dir.groups.get(id);
  if (!group) return { error: OKTA_ERRORS.notFound(`UserGroup (${id})`) };
  return then(group);
}

function withApp(req: ApiRequest, dir: OktaDirectory, then: (app: AppRecord) => ApiReply): ApiReply {
  const id = req.params[0] ?? '';
  const app = dir.apps.get(id);
  if (!app) return { error: OKTA_ERRORS.notFound(`AppInstance (${id})`) };
  return then(app);
}

/** The user named by the path segment at `index` (group and app sub-resources take ids only). */
function pathUser(req: ApiRequest, dir: OktaDirectory, index: number): UserRecord | undefined {
  return dir.users.get(req.params[index] ?? '');
}

function groupAttribute(group: GroupRecord, attribute: string): string | undefined {
  if (attribute === 'profile.name') return group.name;
  if (attribute === 'profile.description') return group.description;
  if (attribute === 'id') return group.id;
  if (attribute === 'type') return group.type;
  return undefined;
}

/** listApplications `filter` supports id, status and name (spec: listApplications `filter`). */
function appAttribute(app: AppRecord, attribute: string): string | undefined {
  if (attribute === 'id') return app.id;
  if (attribute === 'status') return app.status;
  if (attribute === 'name') return app.name;
  return undefined;
}

/** Memberships can only change for OKTA_GROUP groups (spec: assignUserToGroup / unassignUserFromGroup notes). */
function notOktaGroup(group: GroupRecord): ApiReply | undefined {
  if (group.type === 'OKTA_GROUP') return undefined;
  return { error: { ...OKTA_ERRORS.accessDenied, errorCauses: [`group type ${group.type}: memberships can only be modified for groups of the OKTA_GROUP type`] } };
}

function searchAttribute(user: UserRecord, attribute: string): string | undefined {
  if (attribute.startsWith('profile.')) return user.profile[attribute.slice('profile.'.length)];
  if (attribute === 'id') return user.id;
  if (attribute === 'status') return user.status;
  return undefined;
}

export const OKTA_API_ROUTES: ApiRoute[] = [
  route('GET', '/api/v1/users', 'listUsers', (req, dir) => {
    const expression = req.query.get('search') ?? req.query.get('filter');
    let users = [...dir.users.values()];
    if (expression !== null) {
      const result = parseExpression(expression);
      if ('error' in result) return result;
      users = users.filter((u) => matchesSearch(result.parsed, (attr) => searchAttribute(u, attr)));
    } else {
      // listUsers without search/filter omits DEPROVISIONED users (spec note on listUsers).
      users = users.filter((u) => u.status !== 'DEPROVISIONED');
    }
    const extra: Record<string, string> = {};
    if (req.query.get('search') !== null) extra.search = req.query.get('search') as string;
    else if (req.query.get('filter') !== null) extra.filter = req.query.get('filter') as string;
    const { page, link } = paginate(req, '/api/v1/users', users, extra);
    return { status: 200, body: page.map((u) => userJson(req.base, u, 'collection')), headers: { Link: link } };
  }),

  route('GET', '/api/v1/users/{idOrLogin}', 'getUser', (req, dir) =>
    withUser(req, dir, (user) => ({ status: 200, body: userJson(req.base, user, 'single'), headers: { ETag: `W/"${user.lastUpdated}"` } })),
  ),

  route('GET', '/api/v1/users/{userId}/roles', 'listAssignedRolesForUser', (req, dir) =>
    withUser(req, dir, (user) => ({ status: 200, body: user.roles.map((r) => roleJson(req.base, user.id, r)) })),
  ),

  route('GET', '/api/v1/users/{userId}/groups', 'listUserGroups', (req, dir) =>
    withUser(req, dir, (user) => {
      const groups = user.groupIds.map((id) => dir.resolveGroup(id));
      const { page, link } = paginate(req, `/api/v1/users/${user.id}/groups`, groups);
      return { status: 200, body: page.map((g) => groupJson(req.base, g)), headers: { Link: link } };
    }),
  ),

  route('GET', '/api/v1/users/{userId}/factors', 'listFactors', (req, dir) =>
    withUser(req, dir, (user) => ({ status: 200, body: user.factors.map((f) => factorJson(req.base, user.id, f)) })),
  ),

  route('POST', '/api/v1/users/{userId}/factors/{factorId}/verify', 'verifyFactor', (req, dir) =>
    withUser(req, dir, (user) => {
      const factor = user.factors.find((f) => f.id === req.params[1]);
      if (!factor) return { error: OKTA_ERRORS.notFound(`UserFactor (${req.params[1] ?? ''})`) };
      if (factor.factorType !== 'push') return { error: OKTA_ERRORS.validation(`the fake only verifies push factors, not ${factor.factorType}`) };
      if (factor.status !== 'ACTIVE') return { error: OKTA_ERRORS.validation('factor is not active') };
      const body = (req.body ?? {}) as { useNumberMatchingChallenge?: unknown };
      const ua = req.headers['user-agent'];
      const tx = dir.startPush(user, factor, body.useNumberMatchingChallenge === true, typeof ua === 'string' ? ua : undefined);
      // A push challenge answers 201 Created with factorResult WAITING (spec: verifyFactor 201).
      return { status: 201, body: pushChallengeJson(req.base, tx) };
    }),
  ),

  route('GET', '/api/v1/users/{userId}/factors/{factorId}/transactions/{transactionId}', 'getFactorTransactionStatus', (req, dir) =>
    withUser(req, dir, (user) => {
      const tx = dir.pushes.get(req.params[2] ?? '');
      if (!tx || tx.userId !== user.id || tx.factorId !== req.params[1]) return { error: OKTA_ERRORS.notFound(`Transaction (${req.params[2] ?? ''})`) };
      const factor = user.factors.find((f) => f.id === tx.factorId);
      return { status: 200, body: pushTransactionJson(req.base, tx, dir.pushResult(tx), factor?.profile.credentialId ?? '') };
    }),
  ),

  route('POST', '/api/v1/users/{userId}/lifecycle/reset_password', 'generateResetPasswordToken', (req, dir) =>
    withUser(req, dir, (user) => {
      const sendEmail = req.query.get('sendEmail');
      if (sendEmail === null) return { error: OKTA_ERRORS.validation('sendEmail: The query parameter is required') };
      if (user.status === 'DEPROVISIONED' || user.status === 'STAGED') return { error: OKTA_ERRORS.validation(`user status ${user.status} cannot reset the password`) };
      dir.setStatus(user, 'RECOVERY');
      // revokeSessions defaults to false (okta-developer-docs PR #3778): sessions survive unless asked.
      if (req.query.get('revokeSessions') === 'true') user.sessions = 0;
      if (sendEmail === 'true') return { status: 200, body: {} };
      return { status: 200, body: { resetPasswordUrl: `${req.base}/signin/reset-password/${randomBytes(15).toString('base64url')}` } };
    }),
  ),

  route('POST', '/api/v1/users/{userId}/lifecycle/unlock', 'unlockUser', (req, dir) =>
    withUser(req, dir, (user) => {
      if (user.status !== 'LOCKED_OUT') return { error: OKTA_ERRORS.unlockNotAllowed };
      dir.setStatus(user, 'ACTIVE');
      return { status: 200 };
    }),
  ),

  route('DELETE', '/api/v1/users/{userId}/sessions', 'revokeUserSessions', (req, dir) =>
    withUser(req, dir, (user) => {
      user.sessions = 0;
      return { status: 204 };
    }),
  ),

  route('POST', '/api/v1/users/{userId}/lifecycle/reset_factors', 'resetFactors', (req, dir) =>
    withUser(req, dir, (user) => {
      dir.resetFactors(user);
      // Spec: 200 with no content; the user's status stays ACTIVE.
      return { status: 200 };
    }),
  ),

  route('GET', '/api/v1/users/{userId}/risk', 'getUserRisk', (req, dir) => {
    // The org-wide state is checked first: without the feature, Okta refuses every user alike.
    if (dir.riskEngine === 'feature_disabled') return { error: OKTA_ERRORS.featureNotEnabled };
    if (dir.riskEngine === 'forbidden') return { error: OKTA_ERRORS.accessDenied };
    return withUser(req, dir, (user) => ({ status: 200, body: userRiskJson(req.base, user) }));
  }),

  route('GET', '/api/v1/meta/schemas/user/{schemaId}', 'getUserSchema', (req, dir) => {
    // Checked before the id, like the risk engine: a caller that may not read schemas is refused alike.
    if (!dir.userSchema.readable) return { error: OKTA_ERRORS.accessDenied };
    const schemaId = req.params[0] ?? '';
    // `default` names the default user type's schema (spec: pathSchemaId); the fake has no other user types.
    if (schemaId !== 'default' && schemaId !== DEFAULT_USER_SCHEMA_ID) return { error: OKTA_ERRORS.notFound(`UserSchema (${schemaId})`) };
    return { status: 200, body: userSchemaJson(req.base, dir.userSchema) };
  }),

  route('GET', '/api/v1/groups', 'listGroups', (req, dir) => {
    let groups = [...dir.groups.values()];
    const expression = req.query.get('search') ?? req.query.get('filter');
    if (expression !== null) {
      const result = parseExpression(expression);
      if ('error' in result) return result;
      groups = groups.filter((g) => matchesSearch(result.parsed, (attr) => groupAttribute(g, attr)));
    }
    const q = req.query.get('q');
    // `q` is a startsWith match on the name (spec: listGroups `q`).
    if (q !== null) groups = groups.filter((g) => g.name.toLowerCase().startsWith(q.toLowerCase()));
    const { page, link } = paginate(req, '/api/v1/groups', groups, echoed(req, ['search', 'filter', 'q']));
    return { status: 200, body: page.map((g) => groupJson(req.base, g)), headers: { Link: link } };
  }),

  route('GET', '/api/v1/groups/{groupId}/users', 'listGroupUsers', (req, dir) =>
    withGroup(req, dir, (group) => {
      const { page, link } = paginate(req, `/api/v1/groups/${group.id}/users`, dir.groupMembers(group.id));
      return { status: 200, body: page.map((u) => userJson(req.base, u, 'collection')), headers: { Link: link } };
    }),
  ),

  route('PUT', '/api/v1/groups/{groupId}/users/{userId}', 'assignUserToGroup', (req, dir) =>
    withGroup(req, dir, (group) => {
      const user = pathUser(req, dir, 1);
      if (!user) return { error: OKTA_ERRORS.notFound(`User (${req.params[1] ?? ''})`) };
      const refused = notOktaGroup(group);
      if (refused) return refused;
      // PUT is idempotent: adding a member again answers 204 and changes nothing.
      dir.addMember(group.id, user.id);
      return { status: 204 };
    }),
  ),

  route('DELETE', '/api/v1/groups/{groupId}/users/{userId}', 'unassignUserFromGroup', (req, dir) =>
    withGroup(req, dir, (group) => {
      const user = pathUser(req, dir, 1);
      if (!user) return { error: OKTA_ERRORS.notFound(`User (${req.params[1] ?? ''})`) };
      const refused = notOktaGroup(group);
      if (refused) return refused;
      if (!dir.removeMember(group.id, user.id)) return { error: OKTA_ERRORS.notFound(`UserGroupMembership (${user.id})`) };
      return { status: 204 };
    }),
  ),

  route('GET', '/api/v1/apps', 'listApplications', (req, dir) => {
    // Without a filter Okta lists every app that is not deleted, ACTIVE and INACTIVE alike.
    let apps = [...dir.apps.values()];
    const filter = req.query.get('filter');
    if (filter !== null) {
      const result = parseExpression(filter);
      if ('error' in result) return result;
      apps = apps.filter((a) => matchesSearch(result.parsed, (attr) => appAttribute(a, attr)));
    }
    const q = req.query.get('q');
    if (q !== null) apps = apps.filter((a) => a.name.toLowerCase().startsWith(q.toLowerCase()) || a.label.toLowerCase().startsWith(q.toLowerCase()));
    const { page, link } = paginate(req, '/api/v1/apps', apps, echoed(req, ['filter', 'q']), { default: APPS_DEFAULT_PAGE, max: MAX_PAGE });
    return { status: 200, body: page.map((a) => appJson(req.base, a)), headers: { Link: link } };
  }),

  route('POST', '/api/v1/apps/{appId}/users', 'assignUserToApplication', (req, dir) =>
    withApp(req, dir, (app) => {
      const body = (req.body ?? {}) as { id?: unknown; scope?: unknown };
      if (typeof body.id !== 'string' || body.id === '') return { error: OKTA_ERRORS.validation('id: The field cannot be left blank') };
      if (body.scope !== undefined && body.scope !== 'USER') return { error: OKTA_ERRORS.validation('scope: only USER assignments can be made through this endpoint') };
      const user = dir.users.get(body.id);
      if (!user) return { error: OKTA_ERRORS.notFound(`User (${body.id})`) };
      // An existing assignment is answered with the current Application User (200, unchanged): the
      // fake treats the POST as an upsert. Okta's docs do not say what an existing direct
      // assignment returns, so the adapter checks getApplicationUser first and never relies on it.
      const { assignment } = dir.assignApp(app, user);
      return { status: 200, body: appUserJson(req.base, app, assignment, user) };
    }),
  ),

  route('GET', '/api/v1/apps/{appId}/users/{userId}', 'getApplicationUser', (req, dir) =>
    withApp(req, dir, (app) => {
      const userId = req.params[1] ?? '';
      const assignment = app.assignments.get(userId);
      const user = dir.users.get(userId);
      if (!assignment || !user) return { error: OKTA_ERRORS.notFound(`AppUser (${userId})`) };
      return { status: 200, body: appUserJson(req.base, app, assignment, user) };
    }),
  ),

  route('DELETE', '/api/v1/apps/{appId}/users/{userId}', 'unassignUserFromApplication', (req, dir) =>
    withApp(req, dir, (app) => {
      const userId = req.params[1] ?? '';
      if (!app.assignments.delete(userId)) return { error: OKTA_ERRORS.notFound(`AppUser (${userId})`) };
      return { status: 204 };
    }),
  ),
];

/** Finds the route for a path; `params` are the decoded path segments captured by the pattern. */
export function matchRoute(method: string, path: string): { route: ApiRoute; params: string[] } | { methodNotAllowed: true; operation: string } | undefined {
  let sameMethodMiss: ApiRoute | undefined;
  for (const r of OKTA_API_ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method === method) return { route: r, params: m.slice(1).map((s) => decodeURIComponent(s)) };
    sameMethodMiss ??= r;
  }
  return sameMethodMiss ? { methodNotAllowed: true, operation: sameMethodMiss.operation } : undefined;
}
