import type { Cluster, Redis } from 'ioredis';
import type { RateLimiter } from '@keyward/core';

/**
 * Sliding window in a Redis sorted set: shared by every gateway and worker replica, so the push
 * limit (MFA-fatigue defence) holds across processes. One MULTI keeps add+count+expire atomic; it
 * touches one key only, so on a Redis Cluster it runs on that key's master (and the prefix's hash tag
 * keeps every limiter key beside the queues).
 */
export function createRedisRateLimiter(redis: Redis | Cluster, prefix: string): RateLimiter {
  let sequence = 0;
  return {
    async hit(key, limit, windowMs, now) {
      const redisKey = `${prefix}:ratelimit:${key}`;
      const at = now.getTime();
      sequence = (sequence + 1) % 1_000_000;
      const member = `${at}-${process.pid}-${sequence}`;
      const result = await redis
        .multi()
        .zremrangebyscore(redisKey, 0, at - windowMs)
        .zadd(redisKey, at, member)
        .zcard(redisKey)
        .pexpire(redisKey, windowMs)
        .exec();
      const count = Number(result?.[2]?.[1] ?? 0);
      return { allowed: count <= limit, count };
    },
  };
}
