import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { RateLimiter } from '@keyward/core';

/**
 * Check and count in one script, so two replicas cannot both take the last free place, and a refused
 * attempt is never added (it would push the end of the lockout out with every retry).
 * KEYS[1] = the window's sorted set (score = time); ARGV = now, windowMs, limit, attempt id.
 * Returns { allowed 0/1, attempts counted in the window }.
 */
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  return {1, redis.call('ZCARD', KEYS[1])}
end
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  return {0, count}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1, count + 1}
`;

/**
 * Sliding window in a Redis sorted set: shared by every gateway and worker replica, so the push
 * limit (MFA-fatigue defence) holds across processes. The script touches one key only, so on a Redis
 * Cluster it runs on that key's master (and the prefix's hash tag keeps every limiter key beside the
 * queues).
 */
export function createRedisRateLimiter(redis: Redis | Cluster, prefix: string): RateLimiter {
  const keyOf = (key: string): string => `${prefix}:ratelimit:${key}`;
  return {
    async hit(key, limit, windowMs, now, attemptId) {
      const result = await redis.eval(HIT_SCRIPT, 1, keyOf(key), now.getTime(), windowMs, limit, attemptId ?? randomUUID());
      const [allowed, count] = Array.isArray(result) ? result : [];
      return { allowed: Number(allowed) === 1, count: Number(count ?? 0) };
    },
    async count(key, windowMs, now) {
      // Exclusive lower bound: the same window the script keeps (it removes scores <= now - window).
      return redis.zcount(keyOf(key), `(${now.getTime() - windowMs}`, '+inf');
    },
  };
}
