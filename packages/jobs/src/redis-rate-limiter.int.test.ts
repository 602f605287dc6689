import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisRateLimiter } from './redis-rate-limiter';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW = 15 * 60_000;

describe('createRedisRateLimiter (real Redis)', () => {
  const prefix = `{kwtest-${randomUUID()}}`;
  const redis = new Redis(REDIS_URL);
  const limiter = createRedisRateLimiter(redis, prefix);
  const t0 = new Date('2026-12-03T10:00:00Z').getTime();
  const at = (ms: number): Date => new Date(t0 + ms);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('does not count refused attempts: retrying while limited never moves the end of the lockout', async () => {
    for (let i = 0; i < 3; i += 1) expect(await limiter.hit('push:retry', 3, WINDOW, at(i * 1000))).toEqual({ allowed: true, count: i + 1 });
    // The user keeps trying during the lockout: every attempt is refused, none is counted.
    expect(await limiter.hit('push:retry', 3, WINDOW, at(10 * 60_000))).toEqual({ allowed: false, count: 3 });
    expect(await limiter.hit('push:retry', 3, WINDOW, at(14 * 60_000))).toEqual({ allowed: false, count: 3 });
    // 15 minutes after the first two pushes they leave the window, and the next attempt is allowed.
    expect(await limiter.hit('push:retry', 3, WINDOW, at(WINDOW + 1500))).toEqual({ allowed: true, count: 2 });
    expect(await limiter.count('push:retry', WINDOW, at(WINDOW + 1500))).toBe(2);
  });

  it('checks and counts atomically: of many concurrent attempts exactly `limit` pass', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('push:burst', 3, WINDOW, at(0))));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(await limiter.count('push:burst', WINDOW, at(0))).toBe(3);
  });

  it('counts the same attempt id once (a retried job)', async () => {
    expect(await limiter.hit('velocity:u1', 5, WINDOW, at(0), 'rq_1')).toEqual({ allowed: true, count: 1 });
    expect(await limiter.hit('velocity:u1', 5, WINDOW, at(500), 'rq_1')).toEqual({ allowed: true, count: 1 });
    expect(await limiter.hit('velocity:u1', 5, WINDOW, at(600), 'rq_2')).toEqual({ allowed: true, count: 2 });
  });

  it('reads the window without recording anything', async () => {
    expect(await limiter.count('velocity:u2', WINDOW, at(0))).toBe(0);
    await limiter.hit('velocity:u2', 5, WINDOW, at(0));
    expect(await limiter.count('velocity:u2', WINDOW, at(1000))).toBe(1);
    expect(await limiter.count('velocity:u2', WINDOW, at(1000))).toBe(1);
    expect(await limiter.count('velocity:u2', WINDOW, at(WINDOW))).toBe(0);
  });

  it('keeps every key in the queue prefix\'s hash-tag slot, with an expiry', async () => {
    await limiter.hit('push:slot', 3, WINDOW, at(0));
    const key = `${prefix}:ratelimit:push:slot`;
    expect(await redis.keys(`${prefix}:ratelimit:push:slot*`)).toEqual([key]);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(WINDOW);
  });
});
