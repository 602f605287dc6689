import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OktaDirectory } from './okta-directory';
import type { UserRecord } from './okta-directory';
import type { FaultSpec, LoggedRequest, OktaRiskEngine, OktaRiskLevel, OktaSeed, PendingPush, PushResult, SeedApp, SeedGroup, SeedUser } from './okta-fake-types';
import { matchRoute } from './okta-api-routes';
import type { ApiReply } from './okta-api-routes';
import { OKTA_ERRORS, errorJson } from './okta-wire-format';
import type { OktaErrorShape } from './okta-wire-format';
import { handleControl } from './okta-control-api';
import { handleTokenRequest } from './okta-token-endpoint';
import { insufficientScope } from './okta-oauth-scopes';
import { handleServicePrincipalRoute, resolveMePath, ungrantedScopes } from './okta-service-principal';
import type { ServicePrincipalOptions } from './okta-service-principal';

export interface OktaFakeOptions extends ServicePrincipalOptions {
  /** API token accepted as `Authorization: SSWS <token>` (or `Bearer <token>`). Default `okta-fake-token`. */
  apiToken?: string;
  /** OAuth service-app client ids accepted at `/oauth2/v1/token` (client_credentials + private_key_jwt). */
  oauthClientIds?: string[];
  seed?: OktaSeed;
  /** Okta push challenges expire after 5 minutes (verify response `expiresAt`); tests shorten it. */
  pushTtlMs?: number;
  /** Clock in ms since epoch; injected so tests can expire pushes without waiting. */
  now?: () => number;
  /** Requests per operation per window before a real 429; default 600 a minute (Okta's users bucket order). */
  rateLimit?: { limit: number; windowSeconds: number };
  /** When set, /__control requires header `X-Control-Token` with this value. */
  controlToken?: string;
  /** Default 0 = a free port. Always binds 127.0.0.1. */
  port?: number;
}

export interface UserSnapshot {
  id: string;
  login: string;
  email: string;
  status: string;
  sessions: number;
  groupIds: string[];
  /** Ids of the user's enrolled factors (empty after reset_factors). */
  factorIds: string[];
  risk: OktaRiskLevel;
}

export interface OktaFake {
  /** `http://127.0.0.1:<port>`: the org URL to give the Okta SDK. */
  readonly url: string;
  readonly apiToken: string;
  seed(seed: OktaSeed): void;
  addUser(user: SeedUser): string;
  addGroup(group: SeedGroup): string;
  addMember(groupIdOrName: string, userId: string): void;
  /** User ids of a group's members, in directory order. */
  groupMembers(groupIdOrName: string): string[];
  /** Adds an app instance (ACTIVE unless told); returns its id. */
  addApp(app: SeedApp): string;
  /** User ids with a direct assignment to the app (by id or label), in assignment order. */
  appAssignments(appIdOrLabel: string): string[];
  /** The user's Okta risk level, as `GET /users/{id}/risk` reports it. */
  setUserRisk(userIdOrLogin: string, level: OktaRiskLevel): void;
  /** Org-wide: whether the risk API answers, or refuses (feature not enabled / no permission). */
  setRiskEngine(state: OktaRiskEngine): void;
  /** Out-of-band lockout (too many bad passwords): status LOCKED_OUT. */
  lockOut(userIdOrLogin: string): void;
  user(userIdOrLogin: string): UserSnapshot | undefined;
  pendingPushes(userIdOrLogin?: string): PendingPush[];
  /** Approve on the simulated phone; `number` is the one tapped (a wrong one means REJECTED). */
  approvePush(transactionId: string, number?: number): PushResult;
  denyPush(transactionId: string): PushResult;
  timeoutPush(transactionId: string): PushResult;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Every request served (API, token and control), oldest first. */
  requests(): LoggedRequest[];
  /** API calls that change state (POST/PUT/DELETE under /api/v1), the "exactly one IdP write" check. */
  writes(): LoggedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

const DEFAULT_TOKEN = 'okta-fake-token';
const FIVE_MINUTES = 5 * 60 * 1000;
const MAX_BODY = 1024 * 1024;

/** X-Okta-Request-Id values look like `XmfPUmFb8JeA1cz1rUC1CAAAAA8`: 27 url-safe characters. */
const newRequestId = (): string => randomBytes(20).toString('base64url').slice(0, 27);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function snapshot(u: UserRecord): UserSnapshot {
  return {
    id: u.id,
    login: u.profile.login ?? '',
    email: u.profile.email ?? '',
    status: u.status,
    sessions: u.sessions,
    groupIds: [...u.groupIds],
    factorIds: u.factors.map((f) => f.id),
    risk: u.risk,
  };
}

export async function createOktaFake(options: OktaFakeOptions = {}): Promise<OktaFake> {
  const now = options.now ?? Date.now;
  const apiToken = options.apiToken ?? DEFAULT_TOKEN;
  const dir = new OktaDirectory({ now, pushTtlMs: options.pushTtlMs ?? FIVE_MINUTES });
  if (options.seed) dir.seed(options.seed);
  const rate = options.rateLimit ?? { limit: 600, windowSeconds: 60 };
  const buckets = new Map<string, { window: number; used: number }>();
  /** Service-app access tokens → the scopes they were issued with (enforced per operation: okta-oauth-scopes.ts). */
  const accessTokens = new Map<string, ReadonlySet<string>>();
  let faults: ActiveFault[] = [];
  const log: LoggedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const mustFind = (ref: string): UserRecord => {
    const u = dir.findUser(ref);
    if (!u) throw new Error(`unknown user ${ref}`);
    return u;
  };

  const fake: OktaFake = {
    url: '',
    apiToken,
    seed: (seed) => dir.seed(seed),
    addUser: (user) => dir.addUser(user).id,
    addGroup: (group) => dir.addGroup(group).id,
    addMember: (group, userId) => dir.addMember(dir.resolveGroup(group).id, mustFind(userId).id),
    groupMembers: (group) => dir.groupMembers(dir.resolveGroup(group).id).map((u) => u.id),
    addApp: (app) => dir.addApp(app).id,
    appAssignments: (app) => [...dir.resolveApp(app).assignments.keys()],
    setUserRisk: (ref, level) => {
      mustFind(ref).risk = level;
    },
    setRiskEngine: (state) => {
      dir.riskEngine = state;
    },
    lockOut: (ref) => dir.setStatus(mustFind(ref), 'LOCKED_OUT'),
    user: (ref) => {
      const u = dir.findUser(ref);
      return u ? snapshot(u) : undefined;
    },
    pendingPushes: (ref) => dir.pendingPushes(ref),
    approvePush: (tx, number) => dir.answerPush(tx, number === undefined ? { approve: true } : { approve: true, number }),
    denyPush: (tx) => dir.answerPush(tx, { approve: false }),
    timeoutPush: (tx) => dir.answerPush(tx, { timeout: true }),
    injectFault: (fault) => {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    clearFaults: () => {
      faults = [];
    },
    requests: () => log.map((r) => ({ ...r })),
    writes: () => log.filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'GET').map((r) => ({ ...r })),
    clearRequests: () => {
      log.length = 0;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };

  /** Rate-limit headers Okta puts on every response (X-Rate-Limit-Reset is in epoch seconds). */
  function rateHeaders(operation: string, consume: boolean): { headers: Record<string, string>; exceeded: boolean; reset: number } {
    const windowMs = rate.windowSeconds * 1000;
    const window = Math.floor(now() / windowMs);
    let bucket = buckets.get(operation);
    if (!bucket || bucket.window !== window) {
      bucket = { window, used: 0 };
      buckets.set(operation, bucket);
    }
    const exceeded = consume && bucket.used >= rate.limit;
    if (consume && !exceeded) bucket.used += 1;
    const reset = Math.ceil(((window + 1) * windowMs) / 1000);
    return {
      exceeded,
      reset,
      headers: {
        'X-Rate-Limit-Limit': String(rate.limit),
        'X-Rate-Limit-Remaining': String(Math.max(0, rate.limit - bucket.used)),
        'X-Rate-Limit-Reset': String(reset),
      },
    };
  }

  function takeFault(operation: string): ActiveFault | undefined {
    const fault = faults.find((f) => f.remaining > 0 && (f.operation === operation || f.operation === '*'));
    if (!fault) return undefined;
    fault.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return fault;
  }

  /** Who calls: false when refused, 'api_token' (unscoped), or the scopes of a service-app access token. */
  function authorize(header: string | undefined): false | 'api_token' | ReadonlySet<string> {
    if (!header) return false;
    const [scheme, token] = header.split(' ', 2);
    if (!token) return false;
    if (token === apiToken && (scheme === 'SSWS' || scheme === 'Bearer')) return 'api_token';
    return (scheme === 'Bearer' && accessTokens.get(token)) || false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<{ status: number; operation: string }> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): number => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers });
      res.end(text);
      return status;
    };
    const sendError = (e: OktaErrorShape, headers: Record<string, string> = {}): number => send(e.status, errorJson(e), headers);

    if (url.pathname.startsWith('/__control/')) {
      const reply = await handleControl({ method, path: url.pathname, headers: req.headers, readBody: () => readBody(req), fake, dir, controlToken: options.controlToken });
      return { status: send(reply.status, reply.body), operation: 'control' };
    }
    if (url.pathname === '/oauth2/v1/token' && method === 'POST') {
      const reply = handleTokenRequest(await readBody(req), { base, clientIds: options.oauthClientIds ?? [], issue: (t, scopes) => accessTokens.set(t, new Set(scopes)), ungranted: (clientId, scope) => ungrantedScopes(clientId, scope, options) });
      return { status: send(reply.status, reply.body, { 'Cache-Control': 'no-store' }), operation: 'token' };
    }

    const servicePrincipal = handleServicePrincipalRoute(method, url.pathname, base, options);
    const pathname = resolveMePath(url.pathname, options, dir);
    const match = servicePrincipal ? undefined : matchRoute(method, pathname);
    const operation = servicePrincipal ? servicePrincipal.operation : match === undefined ? 'unknown' : 'route' in match ? match.route.operation : match.operation;
    const limits = rateHeaders(operation, true);
    const headers = limits.headers;

    const caller = authorize(req.headers.authorization);
    if (!caller) return { status: sendError(OKTA_ERRORS.invalidToken, headers), operation };
    const refusal = caller === 'api_token' ? undefined : insufficientScope(operation, caller, base, url.pathname);
    if (refusal) return { status: sendError(refusal.error, { ...headers, ...refusal.headers }), operation };
    if (servicePrincipal) {
      const reply = servicePrincipal.reply;
      return { status: 'error' in reply ? sendError(reply.error, headers) : send(reply.status, reply.body, headers), operation };
    }
    if (match === undefined) return { status: sendError(OKTA_ERRORS.notFound(url.pathname), headers), operation };
    if ('methodNotAllowed' in match) return { status: sendError(OKTA_ERRORS.methodNotAllowed, headers), operation };

    const fault = takeFault(operation);
    if (fault?.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return { status: 0, operation };
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return { status: 0, operation };
    }
    if (fault?.kind === 'server_error') return { status: sendError(OKTA_ERRORS.internal, headers), operation };
    if (fault?.kind === 'not_found') return { status: sendError(OKTA_ERRORS.notFound(url.pathname), headers), operation };
    if (fault?.kind === 'rate_limit' || limits.exceeded) {
      const reset = fault ? Math.ceil(now() / 1000) + (fault.resetInSeconds ?? 30) : limits.reset;
      return { status: sendError(OKTA_ERRORS.rateLimited, { ...headers, 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(reset) }), operation };
    }

    let body: unknown;
    if (method === 'POST') {
      const text = await readBody(req);
      if (text.trim()) {
        try {
          body = JSON.parse(text);
        } catch {
          return { status: sendError({ status: 400, errorCode: 'E0000003', errorSummary: 'The request body was not well-formed.' }, headers), operation };
        }
      }
    }
    const reply: ApiReply = match.route.handle({ method, params: match.params, query: url.searchParams, body, headers: req.headers, base }, dir);
    if (fault?.kind === 'apply_then_hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return { status: 'error' in reply ? reply.error.status : reply.status, operation };
    }
    if ('error' in reply) return { status: sendError(reply.error, headers), operation };
    return { status: send(reply.status, reply.body, { ...headers, ...reply.headers }), operation };
  }

  const server = createServer((req, res) => {
    const requestId = newRequestId();
    res.setHeader('X-Okta-Request-Id', requestId);
    const entry = (status: number, operation: string): void => {
      log.push({ method: req.method ?? 'GET', path: req.url ?? '/', operation, status, requestId, at: new Date(now()).toISOString() });
    };
    handle(req, res).then(
      ({ status, operation }) => entry(status, operation),
      (err: unknown) => {
        entry(500, 'unknown');
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(errorJson({ ...OKTA_ERRORS.internal, errorCauses: [err instanceof Error ? err.message : String(err)] })));
        }
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, { url: `http://127.0.0.1:${port}` });
}
