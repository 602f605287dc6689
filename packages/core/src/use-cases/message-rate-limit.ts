import { MESSAGE_RATE_LIMIT_RULE, requesterKey } from '../domain/flood-control';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { notifyRequester } from './notify';
import { replies } from './replies';
import { applyEvent } from './request-journal';

type Deps = Pick<CoreDeps, 'queue' | 'store' | 'audit' | 'clock' | 'policy' | 'agent' | 'rateLimiter' | 'logger'>;

/**
 * Flood control, the worker's first step for a new message (before the chat profile, the classifier
 * or any IdP call): at most `policy.messageRateLimit` new messages per chat user in the window.
 * Counted per request id, so a retried `request.process` job of the same message counts once; button
 * clicks never come here (they continue an existing request). Beyond the limit the request is
 * refused (`message-rate-limit`, audited) with no helpdesk card, and the requester hears one sentence
 * per window — a second key with limit 1 decides which message gets it — not one per flooded message.
 * Returns true when the request was refused (the caller stops).
 */
export async function refuseIfFlooding(deps: Deps, request: ServiceRequest): Promise<boolean> {
  const { limit, windowMs } = deps.policy.messageRateLimit;
  const now = deps.clock.now();
  const who = requesterKey(request);
  const hit = await deps.rateLimiter.hit(`messages:${who}`, limit, windowMs, now, request.id);
  if (hit.allowed) return false;
  // Same attempt id: a retry of the message that was told is told again under the same job id (one post).
  const told = await deps.rateLimiter.hit(`messages-told:${who}`, 1, windowMs, now, request.id);
  if (told.allowed) {
    deps.logger.warn({ requestId: request.id, requester: who, limit, windowMs }, 'message rate limit reached: further messages in this window are refused without a reply');
    await notifyRequester(deps, request, 'message-limit', replies.messageRateLimited(windowMs));
  }
  await applyEvent(
    deps,
    request,
    { type: 'refused', reason: MESSAGE_RATE_LIMIT_RULE },
    {
      policy: { version: deps.policy.version, hash: deps.policy.hash, rule: MESSAGE_RATE_LIMIT_RULE, decision: 'refuse' },
      details: { reason: MESSAGE_RATE_LIMIT_RULE, limit, windowMs, counted: hit.count, replied: told.allowed },
    },
  );
  return true;
}
