import type { JobName } from '@keyward/core';

/**
 * Every queue and job name, in one place. One BullMQ queue per job name so each concern scales and
 * backs up independently (a Slack outage grows `notify`, not `actions`).
 */
export const QUEUES: Record<JobName, string> = {
  'request.process': 'requests',
  'stepup.poll': 'stepup',
  'action.execute': 'actions',
  'chat.notify': 'notify',
  'approval.notify': 'approvals',
  'approval.click': 'approvals',
  'approval.stepup_poll': 'approvals',
  'approval.remind': 'timers',
  'approval.expire': 'timers',
  'access.notice': 'timers',
  'access.expire': 'timers',
};

export const JOB_NAMES = Object.keys(QUEUES) as JobName[];

/**
 * Default key prefix. The braces are a Redis Cluster hash tag: every key of every queue lands in
 * one slot, which BullMQ's multi-key Lua scripts require on Cluster.
 */
export const DEFAULT_PREFIX = '{keyward}';

/** BullMQ rejects custom ids containing ':' (job.js "Custom Id cannot contain :"), so steps use '.'. */
export function jobIdFor(requestId: string, step: string): string {
  return `${requestId}.${step.replace(/:/g, '.')}`;
}

/** Attempts and how long finished jobs are kept (their ids keep deduplicating while they exist). */
export const JOB_POLICY = {
  attempts: 8,
  baseBackoffMs: 1000,
  maxBackoffMs: 5 * 60_000,
  keepCompletedSeconds: 7 * 24 * 3600,
  keepFailedSeconds: 30 * 24 * 3600,
} as const;
