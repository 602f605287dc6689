/**
 * Sliding-window counter (Redis in production): the push rate limit (MFA-fatigue defence) and the
 * policy's velocity window.
 */
export interface RateLimiter {
  /**
   * Counts one attempt for `key` if fewer than `limit` attempts are counted in the last `windowMs`,
   * check and count in one atomic step. A refused attempt is not counted: retrying while limited
   * never pushes the end of the lockout further out. `count` is the attempts counted in the window,
   * this one included when allowed.
   * `attemptId` names the attempt (a request id): the same attempt counted again — a retried job —
   * is allowed and counted once. Without it every call is a new attempt.
   */
  hit(key: string, limit: number, windowMs: number, now: Date, attemptId?: string): Promise<{ allowed: boolean; count: number }>;
  /** Attempts counted for `key` in the last `windowMs`. Records nothing. */
  count(key: string, windowMs: number, now: Date): Promise<number>;
}
