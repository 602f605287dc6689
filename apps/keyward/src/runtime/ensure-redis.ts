import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { RedisSentinelConfig } from '@keyward/config';
import { AppError } from '@keyward/core';
import type { Logger } from '@keyward/core';

/**
 * ioredis options without `retryStrategy`, whose ioredis type (may be null) BullMQ's own options type
 * does not accept; each client sets its own retry behaviour on top.
 */
export type RedisClientOptions = Omit<RedisOptions, 'retryStrategy'> & { url?: string };

export interface RedisHandle {
  /** For display and for clients: a redis:// URL, or `sentinel://name@host:port,…` (display only). */
  url: string;
  /** Where it came from, for the start-up banner. */
  origin: 'configured' | 'local' | 'private' | 'sentinel';
  /**
   * What every client of this Redis is built from (ioredis options; BullMQ takes the same object).
   * Sentinel: the sentinels and the master name, so that clients follow a fail-over by themselves.
   */
  options: RedisClientOptions;
  stop(): Promise<void>;
}

/** A client of the Redis behind `handle` (URL or Sentinel), with per-use options on top. */
export function createRedisClient(handle: RedisHandle, extra: RedisOptions = {}): Redis {
  const { url, ...options } = handle.options;
  return url === undefined ? new Redis({ ...options, ...extra }) : new Redis(url, { ...options, ...extra });
}

/**
 * Sentinel (issue #7): the sentinels name the current master; ioredis asks them again after a
 * fail-over, and on a READONLY reply (the old master demoted under us) it reconnects to the new one.
 */
export function sentinelOptions(sentinel: RedisSentinelConfig): RedisClientOptions {
  return {
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    ...(sentinel.password === undefined ? {} : { password: sentinel.password }),
    ...(sentinel.sentinelPassword === undefined ? {} : { sentinelPassword: sentinel.sentinelPassword }),
    ...(sentinel.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
}

export const REDIS_INSTALL_HINT =
  'Keyward needs Redis 6.2 or newer. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) so that redis-server is on PATH, or set REDIS_URL to a reachable Redis.';

/**
 * Embedded default (DESIGN.md): use REDIS_URL if reachable, else a Redis already on
 * 127.0.0.1:6379, else start a private redis-server from PATH (AOF on, noeviction, data under
 * DATA_DIR), else say exactly how to install one. Outside the embedded default a configured
 * REDIS_URL must answer: silently queueing into a private Redis would split the deployment.
 */
export async function ensureRedis(options: { url?: string; sentinel?: RedisSentinelConfig; embedded: boolean; dataDir: string; logger: Logger }): Promise<RedisHandle> {
  if (options.sentinel) {
    const sentinel = options.sentinel;
    const display = `sentinel://${sentinel.name}@${sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
    const handle: RedisHandle = { url: display, origin: 'sentinel', options: sentinelOptions(sentinel), stop: async () => undefined };
    // Same rule as a configured URL: outside the embedded default the configured Redis must answer.
    if (await answersWith(handle.options)) return handle;
    throw new AppError('config.invalid', `Redis behind the sentinels ${display} is not reachable. Check REDIS_SENTINELS, REDIS_SENTINEL_NAME and the passwords.`);
  }
  if (options.url) {
    if (await answers(options.url)) return { url: options.url, origin: 'configured', options: { url: options.url }, stop: async () => undefined };
    if (!options.embedded) throw new AppError('config.invalid', `REDIS_URL ${redactUrl(options.url)} is not reachable. Start Redis or fix REDIS_URL.`);
    options.logger.warn({ url: redactUrl(options.url) }, 'REDIS_URL is not reachable; trying a local Redis');
  }
  const local = 'redis://127.0.0.1:6379';
  if (!options.url && (await answers(local))) return { url: local, origin: 'local', options: { url: local }, stop: async () => undefined };
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
        options: { url },
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
  return answersWith({ url });
}

async function answersWith(target: RedisClientOptions): Promise<boolean> {
  const probe: RedisOptions = { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, sentinelRetryStrategy: () => null, enableOfflineQueue: false };
  const { url, ...rest } = target;
  const client = url === undefined ? new Redis({ ...rest, ...probe }) : new Redis(url, { ...rest, ...probe });
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
