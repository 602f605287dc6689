/** Sliding-window counter (Redis in production). Used for the push rate limit (MFA-fatigue defence). */
export interface RateLimiter {
  /** Records one hit for `key` and returns whether it is within `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number, now: Date): Promise<{ allowed: boolean; count: number }>;
}
