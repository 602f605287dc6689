import type { RateLimiter } from '../ports/rate-limiter';

/** Sliding-window RateLimiter in memory. Every hit is recorded, allowed or not, as the Redis one does. */
export interface MemoryRateLimiter extends RateLimiter {
  /** Hits recorded for `key` (all time). */
  hits(key: string): number;
}

export function createMemoryRateLimiter(): MemoryRateLimiter {
  const windows = new Map<string, number[]>();
  const totals = new Map<string, number>();
  return {
    async hit(key, limit, windowMs, now) {
      const at = now.getTime();
      const recent = (windows.get(key) ?? []).filter((t) => t > at - windowMs);
      recent.push(at);
      windows.set(key, recent);
      totals.set(key, (totals.get(key) ?? 0) + 1);
      return { allowed: recent.length <= limit, count: recent.length };
    },
    hits: (key) => totals.get(key) ?? 0,
  };
}
