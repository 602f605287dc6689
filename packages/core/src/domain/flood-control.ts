import type { ServiceRequest } from './request';

/**
 * Rule id of a message refused by the per-user message limit (flood control): the request's outcome
 * and the audit event's `policy.rule`. It is not a policy decision, so the request has no `decision`.
 */
export const MESSAGE_RATE_LIMIT_RULE = 'message-rate-limit';

/**
 * One chat user, the key of the per-requester flood limits: the surface and the workspace / tenant
 * (when the platform names one) with the platform's verified user id, so ids from two platforms or
 * two Slack workspaces never share a window. Never anything from the message text.
 */
export function requesterKey(request: Pick<ServiceRequest, 'conversation' | 'requester'>): string {
  return `${request.conversation.surface}:${request.requester.chatTeamId ?? '-'}:${request.requester.chatUserId}`;
}
