import { UnrecoverableError } from 'bullmq';
import { AppError } from '@keyward/core';
import { backoffDelay, fromQueueError, toQueueError } from './retry-policy';

describe('retry policy', () => {
  test('waits for X-Rate-Limit-Reset when the rate-limit AppError wraps the SDK error (F06)', () => {
    // What the Okta adapter throws on a 429: an AppError whose cause is the SDK's own error.
    const sdkError = Object.assign(new Error('Okta HTTP 429'), { status: 429 });
    const limited = new AppError('idp.rate_limited', 'Okta unlockUser was rate limited', { retryable: true, retryAfterMs: 30_000, cause: sdkError });
    const seenByBullMq = toQueueError(limited);
    expect(fromQueueError(seenByBullMq)).toBe(limited);
    expect(backoffDelay(1, fromQueueError(seenByBullMq), () => 0)).toBe(30_000);
  });

  test('gives back the AppError behind the UnrecoverableError wrapper', () => {
    const denied = new AppError('idp.denied', 'refused', { cause: new Error('403') });
    const wrapped = toQueueError(denied);
    expect(wrapped).toBeInstanceOf(UnrecoverableError);
    expect(fromQueueError(wrapped)).toBe(denied);
  });

  test('leaves errors that are not ours as they are', () => {
    const plain = new Error('redis went away');
    expect(fromQueueError(plain)).toBe(plain);
  });
});

describe('backoffDelay after a server-given reset', () => {
  it('spreads retries that share one reset over a short span after it, never before it', () => {
    const limited = new AppError('idp.rate_limited', 'slow down', { retryable: true, retryAfterMs: 4_000 });
    const delays = [0, 0.25, 0.5, 0.99].map((r) => backoffDelay(1, limited, () => r));
    expect(Math.min(...delays)).toBe(4_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000 + 1_000);
    expect(new Set(delays).size).toBe(4);
  });
});
