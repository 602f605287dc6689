import { AppError } from '../domain/app-error';
import type { CoreDeps } from './core-deps';
import { closeSettledPrompts, notifyHelpdesk, notifyRequester, requestFacts } from './notify';
import { replies } from './replies';
import { applyEvent } from './request-journal';
import { requestApprovals } from './request-approvals';
import type { ServiceRequest } from '../domain/request';

/**
 * Worker, from a delayed job: one look at the push. Waiting → schedule the next look (a new job id
 * per attempt); approved → queue the action; rejected → a risk signal (refuse, alert security, tell
 * the account owner); expired → refuse. Never blocks a worker slot while the user finds their phone.
 */
export async function pollStepUp(deps: CoreDeps, requestId: string, attempt: number): Promise<void> {
  let request = await deps.store.get(requestId);
  if (!request) throw new AppError('request.not_found', `request ${requestId} not found`);
  if (request.state === 'verified' || request.state === 'queued') {
    // Retry after a crash (or a Redis blip) between "approved" and the next step being enqueued:
    // finish the hand-over instead of leaving a verified request that nothing will ever run.
    return afterVerified(deps, request);
  }
  if (request.state !== 'verifying' || !request.stepUp || !request.targetIdpUserId) return;

  const status = await deps.stepUp.poll(request.targetIdpUserId, request.stepUp);
  const expired = deps.clock.now().getTime() >= Date.parse(request.stepUp.expiresAt);

  if (status === 'waiting' && !expired) {
    await deps.queue.enqueue({ name: 'stepup.poll', requestId, step: `poll:${attempt + 1}`, delayMs: deps.stepUpPoll.intervalMs, payload: { attempt: attempt + 1 } });
    return;
  }
  if (status === 'approved') {
    request = await applyEvent(deps, request, { type: 'verified' });
    return afterVerified(deps, request);
  }
  if (status === 'rejected') {
    // Okta answers REJECTED for a denial and for a wrong number tapped alike: both stay a security signal.
    await notifyRequester(deps, request, 'push-rejected', replies.pushRejected());
    await notifyHelpdesk(deps, request, 'push-rejected', {
      reason: 'Security: the Okta Verify push was denied or the wrong number was chosen. Possible account-takeover attempt.',
      facts: requestFacts(request),
      severity: 'critical',
    }, { security: 'alert' });
    await closeSettledPrompts(deps, await applyEvent(deps, request, { type: 'verification_failed', result: 'rejected', reason: 'push rejected' }));
    return;
  }
  await notifyRequester(deps, request, 'push-timeout', replies.pushTimedOut());
  await notifyHelpdesk(deps, request, 'push-timeout', { reason: 'The push expired without an answer; nothing was changed.', facts: requestFacts(request), severity: 'info' });
  await closeSettledPrompts(deps, await applyEvent(deps, request, { type: 'verification_failed', result: 'timeout', reason: 'push timed out' }));
}

/** Verified: ask the approvers the decision names, or queue the action when none are needed. */
async function afterVerified(deps: CoreDeps, request: ServiceRequest): Promise<void> {
  // The prompt's number is answered: "Verified ✓" instead of a "Tap 57" that reads as still pending.
  await closeSettledPrompts(deps, request);
  if (request.state === 'verified' && (request.decision?.approvers.length ?? 0) > 0) return requestApprovals(deps, request);
  if (request.state === 'verified') request = await applyEvent(deps, request, { type: 'queued' });
  await deps.queue.enqueue({ name: 'action.execute', requestId: request.id, step: 'execute' });
}
