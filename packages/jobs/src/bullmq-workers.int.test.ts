import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { AppError, silentLogger } from '@keyward/core';
import type { JobName } from '@keyward/core';
import { createBullActionQueue } from './bullmq-action-queue';
import { createJobWorkers } from './bullmq-workers';
import { JOB_NAMES } from './queue-names';
import type { JobHandler } from './bullmq-workers';
import { createRedisRateLimiter } from './redis-rate-limiter';
import { checkRedis } from './redis-health';
import { backoffDelay } from './retry-policy';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// BullMQ 6 accepts a URL in its connection options; workers duplicate it for blocking reads.
const connection = { url: REDIS_URL, maxRetriesPerRequest: null };

function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('BullMQ queue and workers (real Redis)', () => {
  const prefix = `{kwtest-${randomUUID()}}`;
  const queue = createBullActionQueue({ connection, prefix });
  const calls: { name: JobName; requestId: string; attemptsMade: number }[] = [];
  const gaveUp: { name: JobName; code: string }[] = [];
  const failNext: Record<string, AppError | undefined> = {};
  const handler = (name: JobName): JobHandler => async (payload, ctx) => {
    calls.push({ name, requestId: payload.requestId, attemptsMade: ctx.attemptsMade });
    const error = failNext[payload.requestId];
    if (error) {
      failNext[payload.requestId] = undefined;
      throw error;
    }
  };
  const workers = createJobWorkers({
    connection,
    prefix,
    logger: silentLogger,
    handlers: Object.fromEntries(JOB_NAMES.map((name) => [name, handler(name)])) as Record<JobName, JobHandler>,
    onGaveUp: async (name, _payload, error) => {
      gaveUp.push({ name, code: error instanceof AppError ? error.code : 'other' });
    },
  });

  afterAll(async () => {
    await workers.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await queue.close();
  });

  it('runs a job once even when the same step is enqueued twice', async () => {
    await queue.enqueue({ name: 'request.process', requestId: 'rq_a', step: 'process' });
    await queue.enqueue({ name: 'request.process', requestId: 'rq_a', step: 'process' });
    await waitFor(() => calls.some((c) => c.requestId === 'rq_a'));
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.filter((c) => c.requestId === 'rq_a')).toHaveLength(1);
  });

  it('runs a different step of the same request as a new job', async () => {
    await queue.enqueue({ name: 'chat.notify', requestId: 'rq_b', step: 'notify:one' });
    await queue.enqueue({ name: 'chat.notify', requestId: 'rq_b', step: 'notify:two' });
    await waitFor(() => calls.filter((c) => c.requestId === 'rq_b').length === 2);
  });

  it('retries a retryable error and gives up at once on a non-retryable one', async () => {
    failNext.rq_c = new AppError('idp.unavailable', 'boom', { retryable: true, retryAfterMs: 50 });
    await queue.enqueue({ name: 'action.execute', requestId: 'rq_c', step: 'execute' });
    await waitFor(() => calls.filter((c) => c.requestId === 'rq_c').length === 2);
    expect(calls.filter((c) => c.requestId === 'rq_c').map((c) => c.attemptsMade)).toEqual([0, 1]);

    failNext.rq_d = new AppError('idp.denied', 'no', { retryable: false });
    await queue.enqueue({ name: 'action.execute', requestId: 'rq_d', step: 'execute' });
    await waitFor(() => gaveUp.length === 1);
    expect(gaveUp[0]).toEqual({ name: 'action.execute', code: 'idp.denied' });
    expect(calls.filter((c) => c.requestId === 'rq_d')).toHaveLength(1);
  });

  it('routes each job name to its own handler when names share a queue', async () => {
    await queue.enqueue({ name: 'approval.notify', requestId: 'rq_f', step: 'card:a1' });
    await queue.enqueue({ name: 'approval.click', requestId: 'rq_f', step: 'click:1' });
    await queue.enqueue({ name: 'approval.expire', requestId: 'rq_f', step: 'expire:a1' });
    await waitFor(() => calls.filter((c) => c.requestId === 'rq_f').length === 3);
    expect(calls.filter((c) => c.requestId === 'rq_f').map((c) => c.name).sort()).toEqual(['approval.click', 'approval.expire', 'approval.notify']);
  });

  it('an IdP 429 on an action pauses the actions queue until the server reset; the job spends an attempt (a storm stays bounded)', async () => {
    const at: Record<string, number[]> = {};
    const stamp = (id: string): void => void (at[id] ??= []).push(Date.now());
    failNext['rq_429'] = new AppError('idp.rate_limited', 'Okta 429', { retryable: true, retryAfterMs: 600 });
    await queue.enqueue({ name: 'action.execute', requestId: 'rq_429', step: 'execute' });
    await waitFor(() => calls.some((c) => c.requestId === 'rq_429'));
    stamp('rq_429');
    // Queued while the pause holds: it must wait for the reset too (one 429 stands for the window).
    await queue.enqueue({ name: 'action.execute', requestId: 'rq_after_429', step: 'execute' });
    // Another queue is not paused.
    await queue.enqueue({ name: 'chat.notify', requestId: 'rq_notify_429', step: 'notify:x' });
    await waitFor(() => calls.some((c) => c.requestId === 'rq_notify_429'));
    stamp('rq_notify_429');
    await waitFor(() => calls.some((c) => c.requestId === 'rq_after_429'));
    stamp('rq_after_429');
    await waitFor(() => calls.filter((c) => c.requestId === 'rq_429').length === 2);
    stamp('rq_done');
    const retried = calls.filter((c) => c.requestId === 'rq_429');
    expect(retried.map((c) => c.attemptsMade)).toEqual([0, 1]);
    expect((at['rq_notify_429']?.[0] ?? 0) - (at['rq_429']?.[0] ?? 0)).toBeLessThan(500);
    expect((at['rq_after_429']?.[0] ?? 0) - (at['rq_429']?.[0] ?? 0)).toBeGreaterThanOrEqual(500);
    expect((at['rq_done']?.[0] ?? 0) - (at['rq_429']?.[0] ?? 0)).toBeGreaterThanOrEqual(500);
    expect(gaveUp.filter((g) => g.code === 'idp.rate_limited')).toEqual([]);
  });

  it('delays a delayed job', async () => {
    const before = Date.now();
    await queue.enqueue({ name: 'stepup.poll', requestId: 'rq_e', step: 'poll:1', delayMs: 400 });
    await waitFor(() => calls.some((c) => c.requestId === 'rq_e'));
    expect(Date.now() - before).toBeGreaterThanOrEqual(380);
  });

  it('never retries before the server-given wait', () => {
    const error = new AppError('idp.rate_limited', 'slow down', { retryable: true, retryAfterMs: 30_000 });
    expect(backoffDelay(1, error, () => 0)).toBe(30_000);
    expect(backoffDelay(1, new Error('x'), () => 0.5)).toBe(1000);
    expect(backoffDelay(30, new Error('x'), () => 0.5)).toBe(300_000);
  });

  it('limits pushes per user across calls with a sliding window', async () => {
    const redis = new Redis(REDIS_URL);
    const limiter = createRedisRateLimiter(redis, prefix);
    const start = new Date('2026-12-03T10:00:00Z');
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await limiter.hit('push:u1', 3, 15 * 60_000, new Date(start.getTime() + i * 1000)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect((await limiter.hit('push:u1', 3, 15 * 60_000, new Date(start.getTime() + 16 * 60_000))).allowed).toBe(true);
    expect((await limiter.hit('push:u2', 3, 15 * 60_000, start)).allowed).toBe(true);
    redis.disconnect();
  });

  it('reports an evicting maxmemory-policy as critical (F16)', async () => {
    // A private Redis on a unix socket, started the way a misconfigured production one would run.
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-redis-'));
    const socket = path.join(dir, 'redis.sock');
    const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'volatile-lru'], { stdio: 'ignore' });
    try {
      const redis = new Redis({ path: socket, retryStrategy: (times) => (times > 50 ? null : 50) });
      const findings = await checkRedis(redis);
      redis.disconnect();
      expect(findings).toContainEqual(expect.objectContaining({ level: 'critical', message: expect.stringContaining('volatile-lru') }));
      expect(findings).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('persistence is off') }));
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports noeviction as fine', async () => {
    const redis = new Redis(REDIS_URL);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const findings = await checkRedis(redis);
    redis.disconnect();
    expect(findings).toContainEqual({ level: 'ok', message: 'maxmemory-policy is noeviction' });
  });
});
