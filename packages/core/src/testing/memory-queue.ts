import type { ActionQueue, JobName, JobRequest } from '../ports/action-queue';
import type { FixedClock } from './fixed-clock';

export interface RecordedJob extends JobRequest {
  /** `${requestId}:${step}`, the BullMQ job id. */
  id: string;
  status: 'pending' | 'done' | 'failed';
  /** How many times a dispatcher ran it. */
  attempts: number;
  lastError?: unknown;
}

export type JobDispatcher = (job: RecordedJob) => Promise<void>;

export interface DrainOptions {
  /** Moves this clock forward by each job's `delayMs` before running it, as a delayed job would wait. */
  clock?: FixedClock;
  /** Only run jobs that match; others stay pending. */
  only?: (job: RecordedJob) => boolean;
  /** Guard against a job that keeps scheduling itself (a push that never resolves). Default 200. */
  maxJobs?: number;
}

/**
 * In-memory ActionQueue. Like BullMQ with retained jobs, a job id that was ever accepted is never
 * accepted again (the idempotent-jobs pattern), so tests can count jobs to prove "nothing runs twice".
 * Delays are not waited for: `drain` runs jobs in FIFO order and optionally advances a fixed clock.
 */
export interface MemoryQueue extends ActionQueue {
  /** Every accepted job (duplicates dropped), in enqueue order. */
  jobs(): RecordedJob[];
  jobsNamed(name: JobName): RecordedJob[];
  pending(): RecordedJob[];
  /** How many enqueue calls were dropped as duplicates. */
  duplicatesDropped(): number;
  /** Runs the oldest pending job. A throw marks it failed-but-retryable (pending) and is rethrown. */
  runNext(dispatch: JobDispatcher, options?: DrainOptions): Promise<RecordedJob | undefined>;
  /** Runs pending jobs until none is left; the first throw stops the drain and is rethrown. */
  drain(dispatch: JobDispatcher, options?: DrainOptions): Promise<RecordedJob[]>;
  /** Makes the next enqueue calls that match `when` throw `error` (Redis down), `times` times. */
  failEnqueue(error: Error, when?: (job: JobRequest) => boolean, times?: number): void;
  /** Marks a pending job as given up (attempts exhausted), as BullMQ would before its `failed` event. */
  giveUp(jobId: string): void;
}

export function jobIdOf(job: Pick<JobRequest, 'requestId' | 'step'>): string {
  return `${job.requestId}:${job.step}`;
}

export function createMemoryQueue(): MemoryQueue {
  const all: RecordedJob[] = [];
  const ids = new Set<string>();
  let dropped = 0;
  const failures: { error: Error; when: (job: JobRequest) => boolean; times: number }[] = [];

  const nextPending = (only?: (job: RecordedJob) => boolean): RecordedJob | undefined =>
    all.find((job) => job.status === 'pending' && (only === undefined || only(job)));

  async function run(job: RecordedJob, dispatch: JobDispatcher, options: DrainOptions): Promise<void> {
    if (options.clock && job.delayMs) options.clock.advance(job.delayMs);
    job.attempts += 1;
    try {
      await dispatch(job);
      job.status = 'done';
    } catch (error) {
      job.lastError = error;
      throw error;
    }
  }

  const queue: MemoryQueue = {
    async enqueue(request) {
      const failure = failures.find((f) => f.times > 0 && f.when(request));
      if (failure) {
        failure.times -= 1;
        throw failure.error;
      }
      const id = jobIdOf(request);
      if (ids.has(id)) {
        dropped += 1;
        return;
      }
      ids.add(id);
      all.push({ ...structuredClone(request), id, status: 'pending', attempts: 0 });
    },
    jobs: () => all.map((job) => ({ ...job })),
    jobsNamed: (name) => all.filter((job) => job.name === name).map((job) => ({ ...job })),
    pending: () => all.filter((job) => job.status === 'pending').map((job) => ({ ...job })),
    duplicatesDropped: () => dropped,
    async runNext(dispatch, options = {}) {
      const job = nextPending(options.only);
      if (!job) return undefined;
      await run(job, dispatch, options);
      return { ...job };
    },
    async drain(dispatch, options = {}) {
      const ran: RecordedJob[] = [];
      const max = options.maxJobs ?? 200;
      for (let job = nextPending(options.only); job; job = nextPending(options.only)) {
        if (ran.length >= max) throw new Error(`queue drain ran ${max} jobs and still has work: a job keeps rescheduling itself`);
        await run(job, dispatch, options);
        ran.push({ ...job });
      }
      return ran;
    },
    failEnqueue(error, when = () => true, times = 1) {
      failures.push({ error, when, times });
    },
    giveUp(jobId) {
      const job = all.find((j) => j.id === jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      job.status = 'failed';
    },
  };
  return queue;
}
