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

export interface RedisTopologyConfig {
  /** Set = connect through Sentinel (REDIS_URL is ignored). */
  sentinel?: RedisSentinelConfig;
  workerLockDurationMs: number;
}

/** Turns the parsed variables into typed options; pushes every problem onto `problems`. */
export function toRedisConfig(e: RedisEnv, problems: string[]): RedisTopologyConfig {
  const base = { workerLockDurationMs: e.WORKER_LOCK_DURATION_MS };
  if (!e.REDIS_SENTINELS) return base;
  const sentinels: { host: string; port: number }[] = [];
  for (const entry of e.REDIS_SENTINELS.split(',').map((s) => s.trim()).filter(Boolean)) {
    // `[::1]:26379`, `host:26379` or `host` (Sentinel's default port).
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(entry);
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] === undefined ? 26379 : Number(match[3]);
    if (!host || port < 1 || port > 65535) {
      problems.push(`REDIS_SENTINELS: "${entry}" is not host:port`);
      continue;
    }
    sentinels.push({ host, port });
  }
  if (sentinels.length === 0) problems.push('REDIS_SENTINELS is set but lists no sentinel');
  return {
    ...base,
    sentinel: {
      sentinels,
      name: e.REDIS_SENTINEL_NAME,
      ...(e.REDIS_PASSWORD === undefined ? {} : { password: e.REDIS_PASSWORD }),
      ...(e.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: e.REDIS_SENTINEL_PASSWORD }),
      tls: e.REDIS_TLS === 'true',
    },
  };
}
