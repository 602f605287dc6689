import { UnrecoverableError } from 'bullmq';
import { isAppError } from '@keyward/core';
import { JOB_POLICY } from './queue-names';

/**
 * The one place that maps our errors to BullMQ semantics. A non-retryable AppError becomes an
 * UnrecoverableError (BullMQ fails the job at once, no further attempts); anything else is retried.
 */
export function toQueueError(error: unknown): Error {
  if (isAppError(error) && !error.retryable) {
    const unrecoverable = new UnrecoverableError(`${error.code}: ${error.message}`);
    (unrecoverable as Error & { cause?: unknown }).cause = error;
    return unrecoverable;
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The inverse of `toQueueError`, for what BullMQ hands back (backoff strategy, `failed` event): the
 * AppError we threw. Only our UnrecoverableError wrapper is peeled off. An AppError's own `cause` is
 * the vendor error underneath (the Okta SDK's 429) and must not be: it has no `retryAfterMs`, and the
 * retry would then ignore X-Rate-Limit-Reset (F06).
 */
export function fromQueueError(error: unknown): unknown {
  if (isAppError(error)) return error;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return isAppError(cause) ? cause : error;
}

/**
 * Backoff: exponential with jitter, but never earlier than a server-given wait (Okta
 * X-Rate-Limit-Reset, Graph Retry-After) — retrying before the reset only burns the budget (F06).
 */
/** Longest extra wait after a server-given reset, to spread retries that share one reset time. */
export const RESET_SPREAD_MAX_MS = 2_000;

export function backoffDelay(attemptsMade: number, error: unknown, random: () => number = Math.random): number {
  const exponential = Math.min(JOB_POLICY.maxBackoffMs, JOB_POLICY.baseBackoffMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  const serverWait = isAppError(error) && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
  if (serverWait <= 0) return jittered;
  // Every call that met the same 429 has the same reset time; waking them all at that instant only
  // meets the next window's limit again (a thundering herd). Spread them over a short span AFTER the
  // reset — never before it.
  const spread = Math.round(random() * Math.min(RESET_SPREAD_MAX_MS, serverWait * 0.25));
  return Math.max(jittered, serverWait + spread);
}
