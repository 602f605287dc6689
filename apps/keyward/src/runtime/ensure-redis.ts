import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisClusterConfig, RedisSentinelConfig } from '@keyward/config';
import { AppError } from '@keyward/core';
import type { Logger } from '@keyward/core';

/**
 * ioredis options without `retryStrategy`, whose ioredis type (may be null) BullMQ's own options type
 * does not accept; each client sets its own retry behaviour on top.
 */
export type RedisClientOptions = Omit<RedisOptions, 'retryStrategy'> & { url?: string };

/** One Redis (URL or Sentinel) or a whole Redis Cluster: both speak the same commands to us. */
export type RedisClient = Redis | Cluster;

export interface RedisHandle {
  /** For display and for clients: a redis:// URL, or `sentinel://name@host:port,…` / `cluster://host:port,…` (display only). */
  url: string;
  /** Where it came from, for the start-up banner. */
  origin: 'configured' | 'local' | 'private' | 'sentinel' | 'cluster';
  /**
   * What every client of this Redis is built from (ioredis options; BullMQ takes the same object).
   * Sentinel: the sentinels and the master name, so that clients follow a fail-over by themselves.
   * Cluster: the options of each node connection (password, TLS).
   */
  options: RedisClientOptions;
  /** Cluster only: the seed nodes and the Cluster's own options; every client is then an ioredis Cluster. */
  cluster?: { nodes: { host: string; port: number }[]; options: Omit<ClusterOptions, 'redisOptions'> };
  stop(): Promise<void>;
}

/** A client of the Redis behind `handle` (URL, Sentinel or Cluster), with per-use options on top. */
export function createRedisClient(handle: RedisHandle, extra: Pick<RedisOptions, 'maxRetriesPerRequest'> = {}): RedisClient {
  const { url, ...options } = handle.options;
  if (handle.cluster) return new Cluster(handle.cluster.nodes, { ...handle.cluster.options, redisOptions: { ...options, ...extra } });
  return url === undefined ? new Redis({ ...options, ...extra }) : new Redis(url, { ...options, ...extra });
}

/**
 * BullMQ's `connection`. URL / Sentinel: the options, and BullMQ builds (and closes) its own clients.
 * Cluster: BullMQ cannot build a Cluster from options, so it gets one ioredis Cluster that its queues
 * share and that it duplicates for each worker's blocking connections; it leaves that one open, so
 * `close` is ours. Blocking reads (BZPOPMIN) must wait as long as they take: maxRetriesPerRequest null,
 * on the node connections of a Cluster (BullMQ checks `redisOptions` there and refuses anything else).
 */
export function createQueueConnection(handle: RedisHandle, onError: (error: Error) => void): { connection: ConnectionOptions; close(): Promise<void> } {
  if (!handle.cluster) return { connection: { ...handle.options, maxRetriesPerRequest: null }, close: async () => undefined };
  const cluster = createRedisClient(handle, { maxRetriesPerRequest: null });
  cluster.on('error', onError);
  return { connection: cluster, close: async () => cluster.disconnect() };
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

/**
 * Cluster: ioredis asks a seed node for the slot map (CLUSTER SLOTS), talks to every master directly,
 * follows MOVED / ASK on a reshard or a fail-over, and is ready only once CLUSTER INFO says
 * cluster_state:ok (enableReadyCheck). Reads stay on the masters (scaleReads default): BullMQ reads
 * what it has just written. The nodes must be reachable at the addresses they announce.
 */
export function clusterHandle(cluster: RedisClusterConfig): RedisHandle {
  return {
    url: `cluster://${cluster.nodes.map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`).join(',')}`,
    origin: 'cluster',
    options: { ...(cluster.password === undefined ? {} : { password: cluster.password }), ...(cluster.tls ? { tls: {} } : {}) },
    cluster: {
      nodes: cluster.nodes,
      // With TLS the seed hostnames must reach the TLS handshake unresolved, or the certificate is
      // checked against an IP address (ioredis README, "Special note: AWS ElastiCache Clusters with TLS").
      options: { enableReadyCheck: true, ...(cluster.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}) },
    },
    stop: async () => undefined,
  };
}

export const REDIS_INSTALL_HINT =
  'Keyward needs Redis 6.2 or newer. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) so that redis-server is on PATH, or set REDIS_URL to a reachable Redis.';

/**
 * Embedded default (DESIGN.md): use REDIS_URL if reachable, else a Redis already on
 * 127.0.0.1:6379, else start a private redis-server from PATH (AOF on, noeviction, data under
 * DATA_DIR), else say exactly how to install one. Outside the embedded default — or when the
 * database is a shared PostgreSQL (`sharedDatabase`) — a configured REDIS_URL must answer: silently
 * queueing into another Redis would split the deployment.
 */
export async function ensureRedis(options: { url?: string; sentinel?: RedisSentinelConfig; cluster?: RedisClusterConfig; embedded: boolean; sharedDatabase?: boolean; dataDir: string; logger: Logger }): Promise<RedisHandle> {
  if (options.cluster) {
    const handle = clusterHandle(options.cluster);
    // Same rule as a configured URL: outside the embedded default the configured Redis must answer.
    const problem = await clusterProblem(options.cluster.nodes, handle);
    if (problem === undefined) return handle;
    throw new AppError('config.invalid', `Redis Cluster ${handle.url} is not usable (${problem}). Check REDIS_CLUSTER_NODES, REDIS_PASSWORD and REDIS_TLS.`);
  }
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
    if (!options.embedded || options.sharedDatabase) {
      const why = options.embedded ? ' Keyward processes sharing a PostgreSQL database must share this Redis too.' : '';
      throw new AppError('config.invalid', `REDIS_URL ${redactUrl(options.url)} is not reachable. Start Redis or fix REDIS_URL.${why}`);
    }
    options.logger.warn({ url: redactUrl(options.url) }, 'REDIS_URL does not answer; the embedded default falls back to 127.0.0.1:6379 or a private redis-server');
  }
  const local = 'redis://127.0.0.1:6379';
  if (options.url !== local && (await answers(local))) return { url: local, origin: 'local', options: { url: local }, stop: async () => undefined };
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

/** Why the Cluster cannot serve us yet, or undefined when it answers with cluster_state:ok. */
async function clusterProblem(nodes: { host: string; port: number }[], handle: RedisHandle): Promise<string | undefined> {
  const { url: _url, ...nodeOptions } = handle.options;
  const client = new Cluster(nodes, {
    ...handle.cluster?.options,
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    redisOptions: { ...nodeOptions, connectTimeout: 1000, maxRetriesPerRequest: 0 },
  });
  // The most telling reason: a node's own error (with its address), else the Cluster's.
  let nodeError: string | undefined;
  let clusterError: string | undefined;
  client.on('node error', (error: Error, node: string) => (nodeError = `${node}: ${error.message}`));
  client.on('error', (error: Error & { lastNodeError?: Error }) => (clusterError = error.lastNodeError?.message ?? error.message));
  let timer: NodeJS.Timeout | undefined;
  try {
    // A failed ready check (cluster_state:fail) makes ioredis reconnect without ever settling
    // connect(), so the wait is capped here.
    const connecting = client.connect();
    connecting.catch(() => undefined); // settles after the cap, if ever; nobody waits for it then
    const capped = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no cluster_state:ok within 5 s')), 5000)));
    await Promise.race([connecting, capped]);
    return (await client.ping()) === 'PONG' ? undefined : 'no PONG';
  } catch (error) {
    return nodeError ?? clusterError ?? (error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
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
