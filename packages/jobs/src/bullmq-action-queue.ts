import { Queue } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import type { ActionQueue, JobName, JobRequest } from '@keyward/core';
import { AppError } from '@keyward/core';
import { JOB_NAMES, JOB_POLICY, QUEUES, jobIdFor } from './queue-names';

export interface BullActionQueue extends ActionQueue {
  queues: Record<JobName, Queue>;
  /** Waiting + delayed + active jobs per queue, for health and metrics. */
  depth(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export function createBullActionQueue(options: { connection: ConnectionOptions; prefix: string }): BullActionQueue {
  // One Queue object per BullMQ queue, shared by the job names routed to it.
  const byQueue = new Map<string, Queue>();
  for (const name of JOB_NAMES) {
    const queueName = QUEUES[name];
    if (!byQueue.has(queueName)) byQueue.set(queueName, new Queue(queueName, { connection: options.connection, prefix: options.prefix }));
  }
  const queues = Object.fromEntries(JOB_NAMES.map((name) => [name, byQueue.get(QUEUES[name]) as Queue])) as Record<JobName, Queue>;

  return {
    queues,
    async enqueue(job: JobRequest): Promise<void> {
      const queue = queues[job.name];
      try {
        // Same job id twice is a no-op while the first job is kept: the idempotency of every step.
        await queue.add(job.name, { ...job.payload, requestId: job.requestId }, {
          jobId: jobIdFor(job.requestId, job.step),
          delay: job.delayMs,
          attempts: JOB_POLICY.attempts,
          backoff: { type: 'keyward' },
          removeOnComplete: { age: JOB_POLICY.keepCompletedSeconds },
          removeOnFail: { age: JOB_POLICY.keepFailedSeconds },
        });
      } catch (error) {
        throw new AppError('queue.unavailable', `could not enqueue ${job.name} for ${job.requestId}`, { cause: error, retryable: true });
      }
    },
    async depth() {
      const entries = await Promise.all(
        [...byQueue.entries()].map(async ([queueName, queue]) => [queueName, await queue.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized')] as const),
      );
      return Object.fromEntries(entries);
    },
    async close() {
      await Promise.all([...byQueue.values()].map((q) => q.close()));
    },
  };
}
