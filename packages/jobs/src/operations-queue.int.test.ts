import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentLogger } from '@keyward/core';
import { OPERATIONS_JOBS, startOperationsWorker } from './operations-queue';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
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

describe('operations worker (real Redis)', () => {
  const prefix = `{kwtest-ops-${randomUUID()}}`;

  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('runs each schedule repeatedly with its data, per destination, and keeps going after a failure', async () => {
    const runs: string[] = [];
    let failOnce = true;
    const worker = await startOperationsWorker({
      connection,
      prefix,
      logger: silentLogger,
      schedules: [
        { id: 'siem.drain:a', name: OPERATIONS_JOBS.siemDrain, everyMs: 100, data: { destination: 'a' } },
        { id: 'siem.drain:b', name: OPERATIONS_JOBS.siemDrain, everyMs: 100, data: { destination: 'b' } },
      ],
      handlers: {
        [OPERATIONS_JOBS.siemDrain]: async (data) => {
          runs.push(data.destination ?? '?');
          if (data.destination === 'b' && failOnce) {
            failOnce = false;
            throw new Error('SIEM down');
          }
        },
      },
    });
    try {
      await waitFor(() => runs.filter((r) => r === 'a').length >= 3 && runs.filter((r) => r === 'b').length >= 3);
      // Re-registering (a restart, a second replica) keeps one schedule per id, not two.
      const schedulers = await worker.queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(['siem.drain:a', 'siem.drain:b']);
    } finally {
      await worker.close();
    }
  });
});
