import { Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import type { JobName, Logger } from '@keyward/core';
import { isAppError } from '@keyward/core';
import { jobPayloadSchema } from './job-payload.schema';
import type { JobPayload } from './job-payload.schema';
import { JOB_NAMES, QUEUES } from './queue-names';
import { backoffDelay, fromQueueError, toQueueError } from './retry-policy';

export type JobHandler = (payload: JobPayload, context: { attemptsMade: number; jobId: string }) => Promise<void>;

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  handlers: Record<JobName, JobHandler>;
  /** Called once when a job will not be tried again (attempts exhausted or unrecoverable). */
  onGaveUp: (name: JobName, payload: JobPayload, error: unknown) => Promise<void>;
  concurrency?: number;
  logger: Logger;
  /** BullMQ lock duration; a job whose worker stalls longer may be taken by another worker. */
  lockDurationMs?: number;
}

export interface JobWorkers {
  workers: Worker[];
  /** Stops taking jobs, waits for running ones, closes connections (graceful shutdown). */
  close(): Promise<void>;
}

/** The queue of IdP writes: an IdP 429 pauses it as a whole until the server's reset. */
const RATE_LIMITED_QUEUE = QUEUES['action.execute'];
/** Longest pause we take from a server's reset time (Okta's windows are a minute). */
const MAX_RATE_LIMIT_PAUSE_MS = 5 * 60_000;

/** The server-given wait of an IdP 429, or undefined for any other error. */
function serverRateLimitWait(error: unknown): number | undefined {
  if (!isAppError(error) || error.code !== 'idp.rate_limited' || error.retryAfterMs === undefined || error.retryAfterMs <= 0) return undefined;
  return Math.min(MAX_RATE_LIMIT_PAUSE_MS, Math.ceil(error.retryAfterMs));
}

export function createJobWorkers(options: WorkerOptions): JobWorkers {
  // One BullMQ Worker per queue; several job names may share a queue, so dispatch by job.name.
  const queueNames = [...new Set(JOB_NAMES.map((name) => QUEUES[name]))];
  const isJobName = (value: string): value is JobName => (JOB_NAMES as readonly string[]).includes(value);
  const lockDuration = options.lockDurationMs ?? 60_000;
  const workers = queueNames.map((queueName) => {
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        const parsed = jobPayloadSchema.safeParse(job.data);
        if (!parsed.success || !isJobName(job.name) || QUEUES[job.name] !== queueName) {
          options.logger.error({ jobId: job.id, queue: queueName, job: job.name }, 'malformed or misrouted job dropped');
          return;
        }
        const name = job.name;
        const log = options.logger.child({ jobId: job.id, requestId: parsed.data.requestId, job: name });
        try {
          await options.handlers[name](parsed.data, { attemptsMade: job.attemptsMade, jobId: job.id ?? '' });
        } catch (error) {
          const pauseMs = queueName === RATE_LIMITED_QUEUE ? serverRateLimitWait(error) : undefined;
          if (pauseMs !== undefined) {
            // The IdP said when its window resets. Stop every worker process from taking more writes
            // until then (BullMQ's manual rate limit, kept in Redis) instead of letting each queued
            // write meet the same 429. This job still fails and spends an attempt (its backoff is at
            // least the reset), so a storm that never ends gives up and is escalated.
            log.info({ pauseMs }, 'IdP rate limit: actions paused until its reset');
            await worker.rateLimit(pauseMs).catch((limitError: unknown) => log.warn({ err: String(limitError) }, 'could not pause the actions queue'));
          }
          log.warn({ code: isAppError(error) ? error.code : 'internal', retryable: isAppError(error) ? error.retryable : true, err: error instanceof Error ? error.message : String(error) }, 'job failed');
          throw toQueueError(error);
        }
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency ?? 10,
        // BullMQ honours a manual rate limit (worker.rateLimit) only on a worker with a limiter; this
        // one never binds by itself (a million jobs a second).
        ...(queueName === RATE_LIMITED_QUEUE ? { limiter: { max: 1_000_000, duration: 1000 } } : {}),
        lockDuration,
        // A dead worker's jobs are taken over once their lock has expired and a stalled check has run;
        // checking at half the lock keeps the take-over near one lock duration (BullMQ's default
        // 30 s check would dominate a short lock).
        stalledInterval: Math.min(30_000, Math.max(500, Math.floor(lockDuration / 2))),
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => backoffDelay(attemptsMade, fromQueueError(error)),
        },
      },
    );
    worker.on('failed', (job, error) => {
      if (!job || !isJobName(job.name)) return;
      const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
      if (!exhausted) return;
      const parsed = jobPayloadSchema.safeParse(job.data);
      if (!parsed.success) return;
      options.onGaveUp(job.name, parsed.data, fromQueueError(error)).catch((gaveUpError: unknown) => {
        options.logger.error({ jobId: job.id, err: String(gaveUpError) }, 'could not record a job that gave up');
      });
    });
    worker.on('error', (error) => options.logger.error({ queue: queueName, err: error.message }, 'worker connection error'));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
