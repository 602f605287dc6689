import type { RedisEnv } from './redis.schema';

/** Secrets of the Redis topology that may come from `NAME_FILE` (Kubernetes / Docker secrets). */
export const REDIS_SECRET_VARIABLES = ['REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD'] as const;

export interface RedisSentinelConfig {
  sentinels: { host: string; port: number }[];
  name: string;
  password?: string;
  sentinelPassword?: string;
  tls: boolean;
}

/** Redis Cluster: seed nodes only; the client learns every other node and the slot map from them. */
export interface RedisClusterConfig {
  nodes: { host: string; port: number }[];
  password?: string;
  tls: boolean;
}

export interface RedisTopologyConfig {
  /** Set = connect through Sentinel (REDIS_URL is ignored). */
  sentinel?: RedisSentinelConfig;
  /** Set = Redis Cluster (REDIS_URL is ignored). Never together with `sentinel`. */
  cluster?: RedisClusterConfig;
  workerLockDurationMs: number;
}

/** Turns the parsed variables into typed options; pushes every problem onto `problems`. */
export function toRedisConfig(e: RedisEnv & { QUEUE_PREFIX: string }, problems: string[]): RedisTopologyConfig {
  const base = { workerLockDurationMs: e.WORKER_LOCK_DURATION_MS };
  const password = e.REDIS_PASSWORD === undefined ? {} : { password: e.REDIS_PASSWORD };
  const tls = e.REDIS_TLS === 'true';
  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES) {
    problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: Redis is either behind Sentinel or a Cluster; set only one');
    return base;
  }
  if (e.REDIS_CLUSTER_NODES) {
    const nodes = parseNodes('REDIS_CLUSTER_NODES', e.REDIS_CLUSTER_NODES, 6379, problems);
    if (nodes.length === 0) problems.push('REDIS_CLUSTER_NODES is set but lists no node');
    // BullMQ's Lua scripts touch several keys of a queue at once; on a Cluster they must share a slot,
    // which only a hash tag in the prefix guarantees (redis.io cluster spec, "Hash tags").
    if (!hasHashTag(e.QUEUE_PREFIX)) {
      problems.push(`QUEUE_PREFIX "${e.QUEUE_PREFIX}" has no hash tag: with REDIS_CLUSTER_NODES it must contain one, e.g. {keyward}, so that every key of the queues lands in one slot`);
    }
    return { ...base, cluster: { nodes, ...password, tls } };
  }
  if (!e.REDIS_SENTINELS) return base;
  const sentinels = parseNodes('REDIS_SENTINELS', e.REDIS_SENTINELS, 26379, problems);
  if (sentinels.length === 0) problems.push('REDIS_SENTINELS is set but lists no sentinel');
  return {
    ...base,
    sentinel: {
      sentinels,
      name: e.REDIS_SENTINEL_NAME,
      ...password,
      ...(e.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: e.REDIS_SENTINEL_PASSWORD }),
      tls,
    },
  };
}

/** `host:port,[::1]:port,host` (a bare host takes `defaultPort`); every bad entry is a problem. */
function parseNodes(variable: string, value: string, defaultPort: number, problems: string[]): { host: string; port: number }[] {
  const nodes: { host: string; port: number }[] = [];
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(entry);
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
    if (!host || port < 1 || port > 65535) {
      problems.push(`${variable}: "${entry}" is not host:port`);
      continue;
    }
    nodes.push({ host, port });
  }
  return nodes;
}

/** Redis hashes only what is between the first `{` and the first `}` after it, when that is not empty. */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}
