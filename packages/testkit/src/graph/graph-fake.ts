import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENTRA_ROLES, GraphDirectory, INTEGRATED_APP_TAG } from './graph-fake-state';
import type { GraphApp, GraphGroup, GraphUser } from './graph-fake-state';

/**
 * An HTTP fake of Microsoft Graph v1.0 for the calls the Entra adapter makes, speaking Graph's wire
 * format: `{ value, @odata.nextLink }` collections, `{ error: { code, message, innerError } }` errors,
 * a `request-id` header on every response and the caller's `client-request-id` echoed back.
 * Bearer tokens must come from the identity-platform fake (`isAccessToken`).
 */
export interface GraphFakeOptions {
  /** Accepts a bearer token (the identity fake's `isAccessToken`). */
  isAccessToken: (token: string) => boolean;
  /** Collections page at this size (Graph's default is 100 for most; tests use small pages, F07). */
  pageSize?: number;
  /**
   * Refuse, like Graph, a call whose app-only token (`roles` claim) holds none of the application
   * permissions the operation accepts: 403 Authorization_RequestDenied. Off by default (most tests
   * issue tokens without roles); only the operations in ACCEPTED_PERMISSIONS are checked.
   */
  enforceApplicationPermissions?: boolean;
}

export interface GraphFault {
  method?: string;
  path: RegExp;
  status: number;
  code: string;
  message?: string;
  /** Seconds, sent as `Retry-After` (429/503). */
  retryAfter?: number;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export interface GraphLoggedRequest {
  method: string;
  /** Path and query as received (still percent-encoded). */
  url: string;
  clientRequestId: string | undefined;
  requestId: string;
  status: number;
  body: unknown;
}

export interface GraphFake {
  readonly url: string;
  readonly directory: GraphDirectory;
  readonly requests: GraphLoggedRequest[];
  fail(fault: GraphFault): void;
  /** Writes on this user answer 404 `times` times while reads succeed (F12 replication lag). */
  lagWritesFor(userId: string, times: number): void;
  /** DELETE on a member without `/$ref` (would delete the user object in real Graph): must stay empty. */
  readonly dangerousDeletes: string[];
  close(): Promise<void>;
}

const USER_FIELDS = ['id', 'displayName', 'mail', 'userPrincipalName', 'accountEnabled', 'userType', 'jobTitle', 'department', 'employeeType'] as const;

function userJson(user: GraphUser): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.type': '#microsoft.graph.user' };
  for (const field of USER_FIELDS) out[field] = user[field];
  return out;
}

function groupJson(group: GraphGroup): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.group', id: group.id, displayName: group.displayName, isAssignableToRole: group.isAssignableToRole, securityEnabled: true, mailEnabled: false };
}

function appJson(app: GraphApp): Record<string, unknown> {
  return { id: app.id, displayName: app.displayName, appDisplayName: app.displayName, accountEnabled: app.accountEnabled, tags: app.tags, appRoles: app.appRoles, servicePrincipalType: 'Application' };
}

/**
 * Application permissions each operation accepts, least privileged first (learn.microsoft.com, the
 * operation's Permissions table). Checked only with `enforceApplicationPermissions`.
 */
const ACCEPTED_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  // rbacapplication-list-roleassignments, directory provider.
  'GET /roleManagement/directory/roleAssignments': ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'Directory.Read.All', 'RoleManagement.ReadWrite.Directory', 'Directory.ReadWrite.All'],
};

/** The `roles` claim of an app-only token (the identity fake's tokens are JWTs; already checked by isAccessToken). */
function tokenRoles(token: string): string[] {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** `prop eq 'value'` clauses of an OData $filter (values unescaped: '' → '). */
function eqClauses(filter: string): { prop: string; value: string }[] {
  return [...filter.matchAll(/([A-Za-z/]+) eq '((?:[^']|'')*)'/g)].map((m) => ({ prop: m[1] as string, value: (m[2] as string).replace(/''/g, "'") }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function createGraphFake(options: GraphFakeOptions): Promise<GraphFake> {
  const directory = new GraphDirectory();
  const pageSize = options.pageSize ?? 100;
  const faults: (GraphFault & { left: number })[] = [];
  const requests: GraphLoggedRequest[] = [];
  const dangerousDeletes: string[] = [];
  let base = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(error) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const clientRequestId = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(req).catch(() => 'invalid json');
    const log = (status: number): void => void requests.push({ method, url: rawUrl, clientRequestId, requestId, status, body });
    const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
      'request-id': requestId,
      ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}),
      ...extra,
    });
    const send = (status: number, payload?: unknown, extra: Record<string, string> = {}): void => {
      log(status);
      if (payload === undefined) {
        res.writeHead(status, headers(extra));
        res.end();
        return;
      }
      res.writeHead(status, headers({ 'content-type': 'application/json; odata.metadata=minimal', ...extra }));
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, code: string, message: string, extra: Record<string, string> = {}): void =>
      send(status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': clientRequestId ?? null } } }, extra);

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !options.isAccessToken(token)) return error(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');

    const url = new URL(rawUrl, base);
    // Graph resolves path segments after percent-decoding; a raw '#' never reaches it (the client would cut the URL there, F11).
    const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    if (segments[0] !== 'v1.0') return error(400, 'BadRequest', 'Unsupported version');
    const path = segments.slice(1);
    const route = `/${path.join('/')}`;

    const accepted = ACCEPTED_PERMISSIONS[`${method} ${route}`];
    if (options.enforceApplicationPermissions && accepted && !tokenRoles(token).some((r) => accepted.includes(r))) {
      return error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    }

    const fault = faults.find((f) => f.left > 0 && (f.method ?? method) === method && f.path.test(route));
    if (fault) {
      fault.left -= 1;
      return error(fault.status, fault.code, fault.message ?? fault.code, fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
    }

    const page = (items: unknown[]): void => {
      const skip = Number.parseInt(url.searchParams.get('$skiptoken') ?? '0', 10) || 0;
      const top = Math.min(Number.parseInt(url.searchParams.get('$top') ?? String(pageSize), 10) || pageSize, pageSize);
      const slice = items.slice(skip, skip + top);
      const payload: Record<string, unknown> = { value: slice };
      if (skip + top < items.length) {
        const next = new URL(url.toString());
        next.searchParams.set('$skiptoken', String(skip + top));
        payload['@odata.nextLink'] = next.toString();
      }
      send(200, payload);
    };
    const findUser = (idOrUpn: string): GraphUser | undefined =>
      directory.users.get(idOrUpn) ?? [...directory.users.values()].find((u) => u.userPrincipalName.toLowerCase() === idOrUpn.toLowerCase());
    const filter = url.searchParams.get('$filter') ?? '';
    const userWrite = (user: GraphUser): boolean => {
      if (user.lagWrites > 0) {
        user.lagWrites -= 1;
        error(404, 'Request_ResourceNotFound', `Resource '${user.id}' does not exist or one of its queried reference-property objects are not present.`);
        return false;
      }
      return true;
    };

    // --- users ---
    if (method === 'GET' && route === '/users') {
      const clauses = eqClauses(filter);
      if (clauses.length === 0) return error(400, 'Request_UnsupportedQuery', 'This fake needs a $filter on mail or userPrincipalName.');
      const users = [...directory.users.values()].filter((u) => clauses.some((c) => (c.prop === 'mail' && u.mail?.toLowerCase() === c.value.toLowerCase()) || (c.prop === 'userPrincipalName' && u.userPrincipalName.toLowerCase() === c.value.toLowerCase())));
      return page(users.map(userJson));
    }
    if (path[0] === 'users' && path[1]) {
      const user = findUser(path[1]);
      if (!user) return error(404, 'Request_ResourceNotFound', `Resource '${path[1]}' does not exist or one of its queried reference-property objects are not present.`);
      const sub = path.slice(2).join('/');
      if (method === 'GET' && sub === '') return send(200, userJson(user));
      if (method === 'PATCH' && sub === '') {
        if (!userWrite(user)) return;
        const profile = (body as { passwordProfile?: { password?: unknown; forceChangePasswordNextSignIn?: unknown } } | undefined)?.passwordProfile;
        if (profile) {
          if (user.protectedFromHelpdesk) return error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
          if (typeof profile.password !== 'string' || profile.password.length < 8) return error(400, 'Request_BadRequest', 'The specified password does not comply with password complexity requirements.');
          user.passwordProfile = { password: profile.password, forceChangePasswordNextSignIn: profile.forceChangePasswordNextSignIn === true };
        }
        return send(204);
      }
      if (method === 'GET' && (sub === 'transitiveMemberOf/microsoft.graph.group' || sub === 'transitiveMemberOf')) return page(directory.transitiveGroups(user.id).map(groupJson));
      if (method === 'GET' && sub === 'manager') {
        const manager = user.managerId ? directory.users.get(user.managerId) : undefined;
        if (!manager) return error(404, 'Request_ResourceNotFound', `Resource 'manager' does not exist or one of its queried reference-property objects are not present.`);
        return send(200, userJson(manager));
      }
      if (method === 'POST' && sub === 'revokeSignInSessions') {
        if (!userWrite(user)) return;
        user.sessionsRevokedAt = Date.now();
        return send(200, { '@odata.context': `${base}/v1.0/$metadata#Edm.Boolean`, value: true });
      }
      if (method === 'GET' && sub === 'appRoleAssignments') {
        const resourceId = /resourceId eq ([0-9a-f-]+)/i.exec(filter)?.[1];
        const items = [...directory.apps.values()].flatMap((app) => app.assignments.filter((a) => a.principalId === user.id && (!resourceId || app.id === resourceId)).map((a) => ({ ...a, resourceId: app.id, resourceDisplayName: app.displayName, principalType: 'User' })));
        return page(items);
      }
      if (method === 'GET' && sub === 'authentication/methods') return page(user.methods.map((m) => ({ '@odata.type': `#microsoft.graph.${m.type}`, id: m.id })));
      const methodDelete = /^authentication\/(\w+)Methods\/([^/]+)$/.exec(sub);
      if (method === 'DELETE' && methodDelete) {
        if (!userWrite(user)) return;
        const kind = `${methodDelete[1]}AuthenticationMethod`;
        const index = user.methods.findIndex((m) => m.id === methodDelete[2] && m.type.toLowerCase() === kind.toLowerCase());
        if (index < 0) return error(404, 'itemNotFound', 'The authentication method was not found.');
        if (user.methods[index]?.type === 'passwordAuthenticationMethod') return error(400, 'badRequest', 'The password method cannot be deleted.');
        user.methods.splice(index, 1);
        if (kind === 'temporaryAccessPassAuthenticationMethod') delete user.tap;
        return send(204);
      }
      if (method === 'POST' && sub === 'authentication/temporaryAccessPassMethods') {
        if (!userWrite(user)) return;
        if (user.protectedFromHelpdesk) return error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        if (user.tap) return error(400, 'badRequest', 'A Temporary Access Pass already exists for this user.');
        const request = (body ?? {}) as { lifetimeInMinutes?: number; isUsableOnce?: boolean };
        const tap = { id: randomUUID(), temporaryAccessPass: randomBytes(6).toString('base64url'), lifetimeInMinutes: request.lifetimeInMinutes ?? 60, isUsableOnce: request.isUsableOnce ?? false };
        user.tap = tap;
        user.methods.push({ id: tap.id, type: 'temporaryAccessPassAuthenticationMethod' });
        return send(201, { '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod', ...tap, createdDateTime: new Date().toISOString(), startDateTime: new Date().toISOString(), isUsable: true, methodUsabilityReason: 'EnabledByPolicy' });
      }
      return error(400, 'BadRequest', `Unsupported users route ${method} ${sub}`);
    }

    // --- roles, risk ---
    if (method === 'GET' && route === '/roleManagement/directory/roleAssignments') {
      const principal = eqClauses(filter).find((c) => c.prop === 'principalId')?.value;
      if (!principal) return error(400, 'Request_UnsupportedQuery', 'principalId filter required');
      const expand = (url.searchParams.get('$expand') ?? '').includes('roleDefinition');
      // Built-in roles: the role definition's id is its template id (unifiedRoleDefinition).
      return page(directory.roleAssignments.filter((a) => a.principalId === principal).map((a) => ({ id: a.id, principalId: a.principalId, roleDefinitionId: a.roleDefinitionId, directoryScopeId: a.directoryScopeId, ...(expand ? { roleDefinition: { id: a.roleDefinitionId, templateId: a.roleDefinitionId, displayName: a.roleName, isBuiltIn: true } } : {}) })));
    }
    if (method === 'GET' && path[0] === 'identityProtection' && path[1] === 'riskyUsers' && path[2]) {
      const user = directory.users.get(path[2]);
      if (!user || user.riskLevel === 'none') return error(404, 'Request_ResourceNotFound', 'The risky user was not found.');
      return send(200, { id: user.id, riskLevel: user.riskLevel, riskState: user.riskState, userPrincipalName: user.userPrincipalName, isDeleted: false, isProcessing: false });
    }
    if (method === 'POST' && route === '/identityProtection/riskyUsers/confirmCompromised') {
      const ids = (body as { userIds?: unknown } | undefined)?.userIds;
      if (!Array.isArray(ids)) return error(400, 'BadRequest', 'userIds required');
      for (const id of ids) if (typeof id === 'string') {
        directory.confirmedCompromised.push(id);
        const user = directory.users.get(id);
        if (user) {
          user.riskLevel = 'high';
          user.riskState = 'confirmedCompromised';
        }
      }
      return send(204);
    }

    // --- groups ---
    if (method === 'GET' && route === '/groups') {
      const name = eqClauses(filter).find((c) => c.prop === 'displayName')?.value;
      if (name === undefined) return error(400, 'Request_UnsupportedQuery', 'displayName filter required');
      return page([...directory.groups.values()].filter((g) => g.displayName.toLowerCase() === name.toLowerCase()).map(groupJson));
    }
    if (path[0] === 'groups' && path[1] && path[2] === 'members') {
      const group = directory.groups.get(path[1]);
      if (!group) return error(404, 'Request_ResourceNotFound', `Resource '${path[1]}' does not exist.`);
      if (method === 'POST' && path[3] === '$ref' && path.length === 4) {
        const ref = (body as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
        const memberId = typeof ref === 'string' ? /directoryObjects\/([^/?]+)$/.exec(ref)?.[1] : undefined;
        const user = memberId ? directory.users.get(memberId) : undefined;
        if (!memberId || !user) return error(404, 'Request_ResourceNotFound', `Resource '${memberId ?? ''}' does not exist or one of its queried reference-property objects are not present.`);
        if (!userWrite(user)) return;
        // F09: Graph answers 400 when the member is already there (microsoft-graph-docs #8637).
        if (group.members.includes(memberId)) return error(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
        group.members.push(memberId);
        return send(204);
      }
      if (method === 'DELETE' && path[3] && path[4] === '$ref' && path.length === 5) {
        const index = group.members.indexOf(path[3]);
        if (index < 0) return error(404, 'Request_ResourceNotFound', `Resource '${path[3]}' does not exist or one of its queried reference-property objects are not present.`);
        group.members.splice(index, 1);
        return send(204);
      }
      if (method === 'DELETE' && path[3] && path.length === 4) {
        // Without /$ref this is not a membership removal; record it so tests can insist it never happens.
        dangerousDeletes.push(route);
        return error(405, 'Request_BadRequest', 'DELETE on a member without /$ref is refused by this fake (it could delete the object).');
      }
    }

    // --- applications (service principals) ---
    if (method === 'GET' && route === '/servicePrincipals') {
      const wantsIntegrated = filter.includes(`t eq '${INTEGRATED_APP_TAG}'`);
      return page([...directory.apps.values()].filter((a) => !wantsIntegrated || a.tags.includes(INTEGRATED_APP_TAG)).map(appJson));
    }
    if (method === 'GET' && path[0] === 'servicePrincipals' && path[1] && path.length === 2) {
      const app = directory.apps.get(path[1]);
      return app ? send(200, appJson(app)) : error(404, 'Request_ResourceNotFound', `Resource '${path[1]}' does not exist.`);
    }
    if (path[0] === 'servicePrincipals' && path[1] && path[2] === 'appRoleAssignedTo') {
      const app = directory.apps.get(path[1]);
      if (!app) return error(404, 'Request_ResourceNotFound', `Resource '${path[1]}' does not exist.`);
      if (method === 'POST' && path.length === 3) {
        const request = (body ?? {}) as { principalId?: string; resourceId?: string; appRoleId?: string };
        const user = request.principalId ? directory.users.get(request.principalId) : undefined;
        if (!user) return error(404, 'Request_ResourceNotFound', `Resource '${request.principalId ?? ''}' does not exist.`);
        if (!userWrite(user)) return;
        if (request.resourceId !== app.id) return error(400, 'Request_BadRequest', 'resourceId must be the service principal in the path.');
        const roleOk = request.appRoleId === '00000000-0000-0000-0000-000000000000' ? app.appRoles.every((r) => !r.allowedMemberTypes.includes('User')) : app.appRoles.some((r) => r.id === request.appRoleId && r.isEnabled);
        if (!roleOk) return error(400, 'Request_BadRequest', 'Permission being assigned was not found on application');
        if (app.assignments.some((a) => a.principalId === user.id && a.appRoleId === request.appRoleId)) return error(409, 'Request_BadRequest', 'Permission being assigned already exists on the object');
        const assignment = { id: randomBytes(16).toString('base64url'), principalId: user.id, appRoleId: request.appRoleId as string, createdDateTime: new Date().toISOString() };
        app.assignments.push(assignment);
        return send(201, { ...assignment, resourceId: app.id, principalType: 'User', principalDisplayName: user.displayName, resourceDisplayName: app.displayName });
      }
      if (method === 'DELETE' && path[3] && path.length === 4) {
        const index = app.assignments.findIndex((a) => a.id === path[3]);
        if (index < 0) return error(404, 'Request_ResourceNotFound', 'The assignment does not exist.');
        app.assignments.splice(index, 1);
        return send(204);
      }
    }
    return error(400, 'BadRequest', `Unsupported route ${method} ${route}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    directory,
    requests,
    dangerousDeletes,
    fail: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    lagWritesFor: (userId, times) => {
      const user = directory.users.get(userId);
      if (!user) throw new Error(`no user ${userId}`);
      user.lagWrites = times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { ENTRA_ROLES };
