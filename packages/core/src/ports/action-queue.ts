/** Job names and payloads live in @keyward/jobs; core sees a neutral queue. */
export type JobName =
  | 'request.process'
  | 'stepup.poll'
  | 'action.execute'
  | 'chat.notify'
  /** Post one approval card (DM to the approver, or the helpdesk channel) and record where. */
  | 'approval.notify'
  /** An approver clicked Approve / Deny: validated and applied in the worker (IdP lookups, step-up). */
  | 'approval.click'
  | 'approval.stepup_poll'
  | 'approval.remind'
  | 'approval.expire'
  /** Time-bound grants: tell the user before removal, then remove. */
  | 'access.notice'
  | 'access.expire';

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
