/** Job names and payloads live in @keyward/jobs; core sees a neutral queue. */
export type JobName = 'request.process' | 'stepup.poll' | 'action.execute' | 'chat.notify';

export interface JobRequest {
  name: JobName;
  requestId: string;
  /** Job id = `${requestId}:${step}`: enqueuing the same step twice is a no-op (idempotent). */
  step: string;
  delayMs?: number;
  payload?: Record<string, unknown>;
}

export interface ActionQueue {
  enqueue(job: JobRequest): Promise<void>;
}
