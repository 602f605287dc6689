import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog, InboundHandlers, Logger } from '@keyward/core';
import { createAuditFeed } from './audit-feed';
import { createConsoleApi } from './console-api';
import type { ApiResult, ConsoleApi } from './console-api';
import type { ConsoleSurface } from './console-surface';
import { readJsonObject } from './http-body';
import type { JsonObject } from './http-body';
import { HttpProblem, toHttpProblem } from './http-problem';
import { sendProblem, sendJson } from './http-reply';
import { isLoopbackHost } from './loopback';
import type { PhoneSimulator } from './phone-simulator';
import { createSseHub } from './sse-hub';
import { createStaticAssets } from './static-assets';

export interface ConsoleHttpHandlerOptions {
  surface: ConsoleSurface;
  handlers: InboundHandlers;
  phone: PhoneSimulator;
  audit: AuditLog;
  logger: Logger;
  now: () => Date;
  /** Folder with index.html and the page's assets; defaults to this package's `public/`. */
  publicDir?: string;
  auditPollMs?: number;
  heartbeatMs?: number;
  /**
   * Host names the page may be reached by. Defaults to loopback names only: a DNS-rebinding page
   * (evil.example resolving to 127.0.0.1) arrives with its own Host header and is refused.
   */
  allowedHostnames?: string[];
}

/**
 * Handles the console's routes and answers false for any other path, so the gateway's node http server
 * can chain handlers. The console has no authentication: mount it only on a loopback bind.
 */
export interface ConsoleHttpHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends open event streams and stops the audit poll (shutdown, tests). */
  close(): void;
}

const BODY_LIMIT_BYTES = 16 * 1024;

type Route =
  | { kind: 'page' }
  | { kind: 'asset'; name: string }
  | { kind: 'events' }
  | { kind: 'get'; run: (api: ConsoleApi, query: URLSearchParams) => Promise<ApiResult> }
  | { kind: 'post'; run: (api: ConsoleApi, body: JsonObject) => Promise<ApiResult> };

const GET_ROUTES: Readonly<Record<string, (api: ConsoleApi, query: URLSearchParams) => Promise<ApiResult>>> = {
  '/console/api/people': (api) => api.people(),
  '/console/api/conversation': (api, query) => api.conversation(query),
  '/console/api/escalations': (api) => api.escalations(),
  '/console/api/audit': (api, query) => api.audit(query),
  '/console/api/phone': (api, query) => api.phone(query),
};

const POST_ROUTES: Readonly<Record<string, (api: ConsoleApi, body: JsonObject) => Promise<ApiResult>>> = {
  '/console/api/messages': (api, body) => api.sendMessage(body),
  '/console/api/actions': (api, body) => api.clickButton(body),
  '/console/api/phone/answer': (api, body) => api.answerPhone(body),
};

export function createConsoleHttpHandler(options: ConsoleHttpHandlerOptions): ConsoleHttpHandler {
  const logger = options.logger.child({ surface: 'console', component: 'console-http' });
  const assets = createStaticAssets(options.publicDir ?? resolve(__dirname, '..', 'public'));
  const allowedHostnames = new Set((options.allowedHostnames ?? []).map((name) => name.toLowerCase()));

  const hub = createSseHub({
    logger,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    // Poll the audit log only while a page is watching.
    onSizeChange: (size) => (size > 0 ? auditFeed.start() : auditFeed.stop()),
  });
  const auditFeed = createAuditFeed({
    audit: options.audit,
    logger,
    intervalMs: options.auditPollMs ?? 500,
    keep: 200,
    onRecords: (records) => hub.broadcast('audit', { type: 'audit', records }),
  });
  const unsubscribe = options.surface.subscribe((event) => hub.broadcast(event.type, event));
  const api = createConsoleApi({ ...options, logger, auditFeed });

  function hostAllowed(host: string | undefined): boolean {
    if (host === undefined || host === '') return false;
    const hostname = hostnameOf(host);
    return hostname !== undefined && (isLoopbackHost(hostname) || allowedHostnames.has(hostname));
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const method = req.method ?? 'GET';
    const route = routeOf(url.pathname, method);
    if (route === undefined) return false;
    try {
      if (route === 'method_not_allowed') {
        req.resume();
        throw new HttpProblem(405, 'http.method', `${method} is not allowed on ${url.pathname}.`);
      }
      if (!hostAllowed(req.headers.host)) {
        req.resume();
        throw new HttpProblem(403, 'http.host', 'The console answers only on 127.0.0.1 / localhost.');
      }
      const origin = req.headers.origin;
      if (method === 'POST' && origin !== undefined && !hostAllowed(safeHost(origin))) {
        req.resume();
        throw new HttpProblem(403, 'http.origin', 'Requests from other sites are not accepted.');
      }
      switch (route.kind) {
        case 'page':
          if (!(await assets.serve(res, 'index.html', method))) throw new HttpProblem(500, 'internal', 'The console page is missing.');
          return true;
        case 'asset':
          if (!(await assets.serve(res, route.name, method))) throw new HttpProblem(404, 'http.not_found', 'No such console file.');
          return true;
        case 'events':
          hub.open(req, res);
          return true;
        case 'get': {
          const result = await route.run(api, url.searchParams);
          sendJson(res, result.status, result.body);
          return true;
        }
        case 'post': {
          const body = await readJsonObject(req, BODY_LIMIT_BYTES);
          const result = await route.run(api, body);
          sendJson(res, result.status, result.body);
          return true;
        }
      }
    } catch (error) {
      const problem = toHttpProblem(error);
      // Only the route and code are logged: bodies can hold what a person typed, answers a secret.
      const log = { route: url.pathname, method, code: problem.code, status: problem.status };
      if (problem.status >= 500) logger.error({ ...log, err: error }, 'console request failed');
      else logger.info(log, 'console request refused');
      sendProblem(res, problem);
      return true;
    }
  };

  return Object.assign(handle, {
    close(): void {
      unsubscribe();
      auditFeed.stop();
      hub.close();
    },
  });
}

function routeOf(pathname: string, method: string): Route | 'method_not_allowed' | undefined {
  const readOnly = method === 'GET' || method === 'HEAD';
  if (pathname === '/' || pathname === '/index.html') return readOnly ? { kind: 'page' } : 'method_not_allowed';
  if (!pathname.startsWith('/console/') && pathname !== '/console') return undefined;
  if (pathname === '/console' || pathname === '/console/') return readOnly ? { kind: 'page' } : 'method_not_allowed';
  if (pathname.startsWith('/console/assets/')) {
    return readOnly ? { kind: 'asset', name: pathname.slice('/console/assets/'.length) } : 'method_not_allowed';
  }
  if (pathname === '/console/events') return method === 'GET' ? { kind: 'events' } : 'method_not_allowed';
  const get = GET_ROUTES[pathname];
  const post = POST_ROUTES[pathname];
  if (get !== undefined) return method === 'GET' ? { kind: 'get', run: get } : 'method_not_allowed';
  if (post !== undefined) return method === 'POST' ? { kind: 'post', run: post } : 'method_not_allowed';
  // Everything under /console/ belongs to the console: an unknown path there is a 404, not someone else's.
  return { kind: 'asset', name: '' };
}

/** `127.0.0.1:3000` → `127.0.0.1`, `[::1]:3000` → `[::1]`. */
function hostnameOf(host: string): string | undefined {
  return safeHost(`http://${host}`);
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
