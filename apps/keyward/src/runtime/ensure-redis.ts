import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { AppError } from '@keyward/core';
import type { Logger } from '@keyward/core';

export interface RedisHandle {
  url: string;
  /** Where it came from, for the start-up banner. */
  origin: 'configured' | 'local' | 'private';
  stop(): Promise<void>;
}

export const REDIS_INSTALL_HINT =
  'Keyward needs Redis 6.2 or newer. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) so that redis-server is on PATH, or set REDIS_URL to a reachable Redis.';

/**
 * Embedded default (DESIGN.md): use REDIS_URL if reachable, else a Redis already on
 * 127.0.0.1:6379, else start a private redis-server from PATH (AOF on, noeviction, data under
 * DATA_DIR), else say exactly how to install one. Outside the embedded default a configured
 * REDIS_URL must answer: silently queueing into a private Redis would split the deployment.
 */
export async function ensureRedis(options: { url?: string; embedded: boolean; dataDir: string; logger: Logger }): Promise<RedisHandle> {
  if (options.url) {
    if (await answers(options.url)) return { url: options.url, origin: 'configured', stop: async () => undefined };
    if (!options.embedded) throw new AppError('config.invalid', `REDIS_URL ${redactUrl(options.url)} is not reachable. Start Redis or fix REDIS_URL.`);
    options.logger.warn({ url: redactUrl(options.url) }, 'REDIS_URL is not reachable; trying a local Redis');
  }
  const local = 'redis://127.0.0.1:6379';
  if (!options.url && (await answers(local))) return { url: local, origin: 'local', stop: async () => undefined };
  return startPrivateRedis(options.dataDir, options.logger);
}

async function startPrivateRedis(dataDir: string, logger: Logger): Promise<RedisHandle> {
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
    { stdio: 'ignore' },
  );
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    setTimeout(() => resolve(undefined), 50);
  });
  if (spawnError) {
    const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AppError('config.invalid', missing ? REDIS_INSTALL_HINT : `Could not start redis-server: ${spawnError.message}`);
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (await answers(url)) {
      logger.info({ url, dir }, 'started a private redis-server for the embedded default');
      return {
        url,
        origin: 'private',
        stop: async () => {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new AppError('config.invalid', `redis-server did not start. ${REDIS_INSTALL_HINT}`);
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
