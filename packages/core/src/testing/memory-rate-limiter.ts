import { randomUUID } from 'node:crypto';
import type { RateLimiter } from '../ports/rate-limiter';

/**
 * Sliding-window RateLimiter in memory, with the Redis one's contract: only allowed attempts are
 * counted, and an attempt id is counted once.
 */
export interface MemoryRateLimiter extends RateLimiter {
  /** Attempts counted for `key` (all time; refused ones are never counted). */
  hits(key: string): number;
}

export function createMemoryRateLimiter(): MemoryRateLimiter {
  const windows = new Map<string, { at: number; id: string }[]>();
  const totals = new Map<string, number>();
  const recent = (key: string, at: number, windowMs: number): { at: number; id: string }[] => {
    const kept = (windows.get(key) ?? []).filter((entry) => entry.at > at - windowMs);
    windows.set(key, kept);
    return kept;
  };
  return {
    async hit(key, limit, windowMs, now, attemptId) {
      const at = now.getTime();
      const kept = recent(key, at, windowMs);
      if (attemptId !== undefined && kept.some((entry) => entry.id === attemptId)) return { allowed: true, count: kept.length };
      if (kept.length >= limit) return { allowed: false, count: kept.length };
      kept.push({ at, id: attemptId ?? randomUUID() });
      totals.set(key, (totals.get(key) ?? 0) + 1);
      return { allowed: true, count: kept.length };
    },
    async count(key, windowMs, now) {
      return recent(key, now.getTime(), windowMs).length;
    },
    hits: (key) => totals.get(key) ?? 0,
  };
}
