import type { ActionQueue, JobRequest, Logger } from '@keyward/core';

/** The job that moves a request on from each state a lost job can leave it in. */
const NEXT_JOB: Record<string, Pick<JobRequest, 'name' | 'step'>> = {
  received: { name: 'request.process', step: 'process' },
  queued: { name: 'action.execute', step: 'execute' },
};

export const RESUMABLE_STATES = Object.keys(NEXT_JOB);

/**
 * Queues the next job again for requests that stalled (`listStalled`). Job ids are deterministic
 * (requestId:step), so a job that still exists — waiting, delayed, running or recently completed —
 * is not duplicated; only a job that was never queued or was lost comes back.
 */
export function createResumeStalledHandler(deps: { listStalled: () => Promise<{ id: string; state: string }[]>; queue: ActionQueue; logger: Logger }) {
  return async (): Promise<number> => {
    const stalled = await deps.listStalled();
    let resumed = 0;
    for (const request of stalled) {
      const job = NEXT_JOB[request.state];
      if (!job) continue;
      await deps.queue.enqueue({ ...job, requestId: request.id });
      resumed += 1;
    }
    if (resumed > 0) deps.logger.warn({ resumed, requestIds: stalled.map((r) => r.id) }, 'stalled requests: their next job was queued again');
    return resumed;
  };
}
