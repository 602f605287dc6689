import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@keyward/core';
import type { Logger } from '@keyward/core';
import { createConsoleHttpHandler } from '../console-http-handler';
import type { ConsoleHttpHandler } from '../console-http-handler';
import { createConsoleSurface } from '../console-surface';
import type { ConsoleSurface } from '../console-surface';
import { CONSOLE_BIND_HOST } from '../loopback';
import { createDemoBot } from './demo-bot';
import { createDemoDirectory } from './demo-directory';
import { createFakePhoneSimulator } from './fake-phone-simulator';
import { createMemoryAuditLog } from '@keyward/core/testing';

export interface ConsolePreview {
  url: string;
  server: Server;
  surface: ConsoleSurface;
  handler: ConsoleHttpHandler;
  close(): Promise<void>;
}

/** The console page on fakes (demo bot, fake phone, in-memory audit): for screenshots and page tests. */
export async function startConsolePreview(options: { port?: number; logger?: Logger; pushTimeoutMs?: number } = {}): Promise<ConsolePreview> {
  const logger = options.logger ?? silentLogger;
  const now = (): Date => new Date();
  const surface = createConsoleSurface({ directory: createDemoDirectory(), logger, now });
  const phone = createFakePhoneSimulator({ now, timeoutMs: options.pushTimeoutMs ?? 60_000 });
  const audit = createMemoryAuditLog();
  const handlers = createDemoBot({ surface, phone, audit, now });
  const handler = createConsoleHttpHandler({ surface, handlers, phone, audit, logger, now });
  const server = createServer((req, res) => {
    handler(req, res)
      .then((handled) => {
        if (!handled) {
          res.writeHead(404, { 'Content-Type': 'text/plain' });
          res.end('Not found');
        }
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, CONSOLE_BIND_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${CONSOLE_BIND_HOST}:${port}/`,
    server,
    surface,
    handler,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
