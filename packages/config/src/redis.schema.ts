import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Redis topology beyond a single URL (issue #7). Sentinel: the app asks the sentinels for the current
 * master and follows fail-overs (ioredis `sentinels` + `name`). Cluster: the app connects to the seed
 * nodes and follows the slot map (ioredis `Cluster`). Either way REDIS_URL is then ignored.
 */
export const redisEnvSchema = z.object({
  /** `host:port,host:port` of the sentinels (unset = plain REDIS_URL). */
  REDIS_SENTINELS: optionalString,
  /** The master group name the sentinels monitor (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: z.string().trim().min(1).default('mymaster'),
  /**
   * `host:port,host:port` of some nodes of a Redis Cluster (unset = no Cluster); the others are learnt
   * from them. Not together with REDIS_SENTINELS; QUEUE_PREFIX must then hold a hash tag (`{keyward}`).
   */
  REDIS_CLUSTER_NODES: optionalString,
  /**
   * AUTH password of the Redis data nodes: behind the sentinels, or every Cluster node (with
   * REDIS_URL, put it in the URL).
   */
  REDIS_PASSWORD: optionalString,
  /** AUTH password of the sentinels themselves, when they require one. */
  REDIS_SENTINEL_PASSWORD: optionalString,
  /** Sentinel or Cluster mode: `true` = TLS to the sentinels and the data nodes, or to every Cluster node. */
  REDIS_TLS: z.enum(['true', 'false']).default('false'),
  /**
   * How long a worker's lock on a running job lasts (BullMQ lockDuration; renewed at half of it while
   * the job runs). A worker that dies (SIGKILL, OOM, node loss) holds its jobs until the lock expires;
   * another worker then takes them over. Shorter = faster take-over, but a worker whose event loop is
   * blocked longer than this loses the job to another one.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
});

export type RedisEnv = z.infer<typeof redisEnvSchema>;
