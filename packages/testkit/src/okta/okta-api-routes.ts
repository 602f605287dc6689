import { randomBytes } from 'node:crypto';
import type { OktaDirectory, UserRecord } from './okta-directory';
import { InvalidSearchError, matchesSearch, parseSearch } from './search-filter';
import type { OktaErrorShape } from './okta-wire-format';
import { OKTA_ERRORS, factorJson, groupJson, pushChallengeJson, pushTransactionJson, roleJson, userJson } from './okta-wire-format';

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
  method: 'GET' | 'POST' | 'DELETE';
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
 * Cursor pagination as Okta does it: `after` is an opaque cursor (here: the last id of the previous
 * page), and the next page is announced by `Link: <…>; rel="next"` beside `rel="self"`.
 */
function paginate<T extends { id: string }>(req: ApiRequest, path: string, items: T[], extra: Record<string, string> = {}): { page: T[]; link: string } {
  const rawLimit = req.query.get('limit');
  const parsed = rawLimit === null ? DEFAULT_PAGE : Number.parseInt(rawLimit, 10);
  const limit = Number.isFinite(parsed) && parsed > 0 ? Math.min(parsed, MAX_PAGE) : DEFAULT_PAGE;
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
      let parsed;
      try {
        parsed = parseSearch(expression);
      } catch (e) {
        if (e instanceof InvalidSearchError) return { error: OKTA_ERRORS.invalidSearch };
        throw e;
      }
      users = users.filter((u) => matchesSearch(parsed, (attr) => searchAttribute(u, attr)));
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
