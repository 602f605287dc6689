import { Queue, Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import type { Logger } from '@keyward/core';

/**
 * Queue and job names of the operations side (issue #6), kept beside QUEUES: SIEM drains (one
 * scheduled job per destination), the anomaly watch and audit retention. They are repeatable jobs
 * (BullMQ job schedulers): one schedule per id across every worker replica, so N replicas do not
 * run N drains — and a drain's lease in the database covers the rest.
 */
export const OPERATIONS_QUEUE = 'operations';
export const OPERATIONS_JOBS = {
  siemDrain: 'siem.drain',
  anomalyCheck: 'anomaly.check',
  auditRetention: 'audit.retention',
  requestsResume: 'requests.resume',
} as const;
export type OperationsJobName = (typeof OPERATIONS_JOBS)[keyof typeof OPERATIONS_JOBS];

export interface OperationsSchedule {
  /** Scheduler id, unique per job and target (e.g. `siem.drain:splunk`). */
  id: string;
  name: OperationsJobName;
  everyMs: number;
  data?: Record<string, string>;
}

export interface OperationsWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  schedules: OperationsSchedule[];
  handlers: Partial<Record<OperationsJobName, (data: Record<string, string>) => Promise<void>>>;
  logger: Logger;
}

export interface OperationsWorker {
  queue: Queue;
  /** Jobs waiting to run (a growing number means drains fall behind their schedule). */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Registers the schedules and runs them. A handler that throws is logged and not retried by BullMQ
 * (attempts 1): the next scheduled run is the retry, and the SIEM backoff lives in the database.
 */
export async function startOperationsWorker(options: OperationsWorkerOptions): Promise<OperationsWorker> {
  const queue = new Queue(OPERATIONS_QUEUE, { connection: options.connection, prefix: options.prefix });
  for (const schedule of options.schedules) {
    await queue.upsertJobScheduler(schedule.id, { every: schedule.everyMs }, { name: schedule.name, data: schedule.data ?? {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 } });
  }
  const worker = new Worker(
    OPERATIONS_QUEUE,
    async (job: Job) => {
      const handler = options.handlers[job.name as OperationsJobName];
      if (!handler) return;
      await handler((job.data ?? {}) as Record<string, string>);
    },
    // Drains of different destinations run side by side; one slow SIEM does not hold up another.
    { connection: options.connection, prefix: options.prefix, concurrency: Math.max(2, options.schedules.length) },
  );
  worker.on('failed', (job, error) => options.logger.error({ job: job?.name, scheduler: job?.repeatJobKey, err: error.message }, 'operations job failed'));
  worker.on('error', (error) => options.logger.error({ queue: OPERATIONS_QUEUE, err: error.message }, 'operations worker connection error'));
  return {
    queue,
    depth: () => queue.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized'),
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
