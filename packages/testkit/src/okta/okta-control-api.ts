import type { IncomingHttpHeaders } from 'node:http';
import type { OktaDirectory } from './okta-directory';
import type { FaultKind, FaultSpec, OktaSeed } from './okta-fake-types';
import type { OktaFake } from './okta-fake-server';

/**
 * JSON control API under /__control/, so another process (the console's simulated phone, a test
 * runner) can drive the fake:
 *   GET    /__control/users/{idOrLogin}             → user snapshot
 *   POST   /__control/users/{idOrLogin}/lock        → LOCKED_OUT
 *   GET    /__control/users/{idOrLogin}/pushes      → pending pushes (with correctAnswer / choices)
 *   GET    /__control/pushes                        → every pending push
 *   POST   /__control/pushes/{txId}/approve {number?}   POST …/deny   POST …/timeout
 *   POST   /__control/seed {groups?, users?, apps?, userSchema?}   (userSchema: {selfPermissions?, readable?})
 *   POST   /__control/faults {operation, kind, times?, resetInSeconds?}    DELETE /__control/faults
 *   GET    /__control/requests                      → request log
 * Browsers must not be able to drive it from another origin: POSTs require `Content-Type:
 * application/json` (a cross-origin JSON POST needs a CORS preflight, which this server never grants),
 * and `X-Control-Token` is checked when the fake was started with a controlToken.
 */
export interface ControlRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  readBody(): Promise<string>;
  fake: OktaFake;
  dir: OktaDirectory;
  controlToken: string | undefined;
}

const FAULT_KINDS: FaultKind[] = ['rate_limit', 'server_error', 'hang', 'reset', 'not_found'];

const bad = (message: string, status = 400): { status: number; body: unknown } => ({ status, body: { error: message } });

async function jsonBody(req: ControlRequest): Promise<Record<string, unknown>> {
  const text = await req.readBody();
  if (!text.trim()) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export async function handleControl(req: ControlRequest): Promise<{ status: number; body: unknown }> {
  if (req.controlToken !== undefined && req.headers['x-control-token'] !== req.controlToken) return bad('bad control token', 401);
  if (req.method !== 'GET' && req.method !== 'DELETE' && !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return bad('Content-Type must be application/json', 415);
  }
  const parts = req.path.split('/').filter(Boolean).slice(1).map((s) => decodeURIComponent(s));
  const [resource, id, action] = parts;
  try {
    if (resource === 'users' && id !== undefined) {
      const user = req.fake.user(id);
      if (!user) return bad(`unknown user ${id}`, 404);
      if (req.method === 'GET' && action === undefined) return { status: 200, body: user };
      if (req.method === 'GET' && action === 'pushes') return { status: 200, body: req.fake.pendingPushes(user.id) };
      if (req.method === 'POST' && action === 'lock') {
        req.fake.lockOut(user.id);
        return { status: 200, body: req.fake.user(user.id) };
      }
    }
    if (resource === 'pushes' && req.method === 'GET' && id === undefined) return { status: 200, body: req.fake.pendingPushes() };
    if (resource === 'pushes' && req.method === 'POST' && id !== undefined) {
      if (!req.dir.pushes.has(id)) return bad(`unknown push ${id}`, 404);
      if (action === 'approve') {
        const body = await jsonBody(req);
        const n = body.number;
        if (n !== undefined && typeof n !== 'number') return bad('number must be a number');
        return { status: 200, body: { factorResult: req.fake.approvePush(id, n) } };
      }
      if (action === 'deny') return { status: 200, body: { factorResult: req.fake.denyPush(id) } };
      if (action === 'timeout') return { status: 200, body: { factorResult: req.fake.timeoutPush(id) } };
    }
    if (resource === 'seed' && req.method === 'POST') {
      req.fake.seed((await jsonBody(req)) as OktaSeed);
      return { status: 200, body: { ok: true } };
    }
    if (resource === 'faults' && req.method === 'DELETE') {
      req.fake.clearFaults();
      return { status: 200, body: { ok: true } };
    }
    if (resource === 'faults' && req.method === 'POST') {
      const body = await jsonBody(req);
      if (typeof body.operation !== 'string' || !FAULT_KINDS.includes(body.kind as FaultKind)) return bad(`need operation and kind (${FAULT_KINDS.join('|')})`);
      req.fake.injectFault(body as unknown as FaultSpec);
      return { status: 200, body: { ok: true } };
    }
    if (resource === 'requests' && req.method === 'GET') return { status: 200, body: req.fake.requests() };
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  return bad(`no control route ${req.method} ${req.path}`, 404);
}
