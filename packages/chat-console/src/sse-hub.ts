import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@keyward/core';
import { SECURITY_HEADERS } from './http-reply';

export interface SseHub {
  open(req: IncomingMessage, res: ServerResponse): void;
  broadcast(event: string, data: unknown): void;
  size(): number;
  /** Ends every open stream (shutdown, tests). */
  close(): void;
}

export interface SseHubOptions {
  logger: Logger;
  heartbeatMs: number;
  /** Called with the number of open streams whenever it changes (starts / stops the audit poll). */
  onSizeChange?: (size: number) => void;
}

/** Server-Sent Events fan-out (WHATWG HTML §9.2): `event:` names the kind, `data:` one JSON line. */
export function createSseHub(options: SseHubOptions): SseHub {
  const clients = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | undefined;

  function changed(): void {
    if (clients.size > 0 && heartbeat === undefined) {
      // A comment line keeps proxies and the browser from treating an idle stream as dead.
      heartbeat = setInterval(() => write(': keep-alive\n\n'), options.heartbeatMs);
      heartbeat.unref();
    } else if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
    options.onSizeChange?.(clients.size);
  }

  function write(chunk: string): void {
    for (const res of clients) {
      if (res.writableEnded || res.destroyed) continue;
      res.write(chunk);
    }
  }

  return {
    open(req: IncomingMessage, res: ServerResponse): void {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      // `retry` sets EventSource's reconnect delay; the first bytes also flush the headers now.
      res.write('retry: 2000\n\n');
      clients.add(res);
      changed();
      const drop = (): void => {
        if (clients.delete(res)) changed();
      };
      req.on('close', drop);
      res.on('close', drop);
      res.on('error', (error) => {
        options.logger.debug({ err: error }, 'console event stream error');
        drop();
      });
    },

    broadcast(event: string, data: unknown): void {
      // JSON.stringify escapes CR and LF inside strings, so the payload is always a single data line.
      write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },

    size: () => clients.size,

    close(): void {
      for (const res of clients) res.end();
      clients.clear();
      changed();
    },
  };
}
