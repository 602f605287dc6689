import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundAction, RevealedSecret } from '@keyward/core';
import { createConsoleHttpHandler } from './console-http-handler';
import { createConsoleSurface } from './console-surface';
import {
  createDemoDirectory,
  createFakePhoneSimulator,
  createMemoryAuditLog,
  createRecordingHandlers,
  createRecordingLogger,
} from './testing';

export const NOT_MINE = 'not the console';

/**
 * The console handler on a real node http server (port 0) with fakes at every port. Paths the
 * handler declines get a marker body, so a test can tell "not mine" from a console 404.
 */
export async function startHarness(options: { reveal?: (action: InboundAction) => Promise<RevealedSecret>; auditPollMs?: number } = {}) {
  const logger = createRecordingLogger();
  const now = (): Date => new Date('2025-05-06T07:08:09.000Z');
  const surface = createConsoleSurface({ directory: createDemoDirectory(), logger, now });
  const handlers = createRecordingHandlers(options.reveal);
  const phone = createFakePhoneSimulator({ now });
  const audit = createMemoryAuditLog();
  const handler = createConsoleHttpHandler({ surface, handlers, phone, audit, logger, now, auditPollMs: options.auditPollMs ?? 20 });
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end(NOT_MINE);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  const postJson = (path: string, body: unknown): Promise<Response> =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** A raw request, for headers fetch will not let a test set (Host) or bodies it would fix up. */
  const raw = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(init.body);
    });

  return {
    base,
    surface,
    handlers,
    phone,
    audit,
    logger,
    postJson,
    raw,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
