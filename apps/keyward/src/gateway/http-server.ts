import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '@keyward/core';

/** A route handler answers and returns true, or returns false to let the next one try. */
/** Slack events and interactions are small; anything above this is refused unread. */
const MAX_SLACK_BODY_BYTES = 1024 * 1024;

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface GatewayHttpOptions {
  handlers: HttpHandler[];
  /** Mounted at exactly POST /slack/events (events and interactivity share it). */
  slackListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Readiness checks (Redis, database, queue): `/readyz` answers 503 while any fails. */
  health: HealthCheck[];
  /** Prometheus exposition at GET /metrics. */
  metrics?: { contentType: string; metrics(): Promise<string> };
  logger: Logger;
}

/**
 * One plain node http server per gateway: Slack's Bolt receiver, the console, the probes and /metrics share
 * the port (PORT). Unknown paths get 404; an exception in a handler gets 500 without detail.
 */
export function createGatewayServer(options: GatewayHttpOptions): Server {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error instanceof Error ? error.message : String(error), path: req.url?.split('?')[0] }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  // Slow-loris and oversized headers: bounded by node's defaults plus these.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    // Probes and metrics are read-only: anything but GET/HEAD is refused rather than answered.
    if ((pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') && req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: 'use GET' });
      return;
    }
    // Liveness: the process answers. No dependency checks here — restarting a pod because Redis is
    // away only adds a restart to the outage; that is what readiness is for.
    if (pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (pathname === '/metrics' && options.metrics) {
      const text = await options.metrics.metrics();
      res.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
    if (pathname === '/readyz') {
      const results = await Promise.all(
        options.health.map(async (h) => {
          try {
            await withTimeout(h.check(), 2000);
            return [h.name, 'ok'] as const;
          } catch (error) {
            return [h.name, error instanceof Error ? error.message : 'failed'] as const;
          }
        }),
      );
      const ok = results.every(([, v]) => v === 'ok');
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', checks: Object.fromEntries(results) });
      return;
    }
    if (pathname === '/slack/events' && Number(req.headers['content-length'] ?? 0) > MAX_SLACK_BODY_BYTES) {
      // Slack's payloads are a few KB; refuse a huge one before Bolt buffers it, and close the
      // connection so no client reuses a socket whose unread body we are about to drop.
      res.setHeader('connection', 'close');
      sendJson(res, 413, { error: 'body too large' });
      req.destroy();
      return;
    }
    if (pathname === '/slack/events') {
      if (!options.slackListener) return sendJson(res, 404, { error: 'Slack is not enabled on this gateway' });
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
      options.slackListener(req, res);
      return;
    }
    for (const handler of options.handlers) {
      if (await handler(req, res)) return;
    }
    sendJson(res, 404, { error: 'not found' });
  }
  return server;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
