import type { CoreDeps, JobName, Notification } from '@keyward/core';
import {
  AppError,
  announceAccessExpiry,
  deliverNotification,
  executeAction,
  expireAccess,
  expireApproval,
  onApprovalUndeliverable,
  onJobGaveUp,
  pollApproverStepUp,
  pollStepUp,
  postApprovalCard,
  processApprovalClick,
  processRequest,
  recordAudit,
  remindApproval,
} from '@keyward/core';
import type { JobHandler, JobPayload } from '@keyward/jobs';

/**
 * The worker's processors: each maps one job to one use case. They hold no logic of their own, so
 * every behaviour is tested once, in core, and here only the wiring.
 */
export function createProcessors(deps: CoreDeps): Record<JobName, JobHandler> {
  return {
    'request.process': async (payload) => processRequest(deps, payload.requestId, { noDevice: payload.noDevice === true }),
    'stepup.poll': async (payload) => pollStepUp(deps, payload.requestId, payload.attempt ?? 1),
    'action.execute': async (payload) => executeAction(deps, payload.requestId),
    'chat.notify': async (payload) => {
      if (!payload.notification) throw new AppError('internal', 'chat.notify job without a notification');
      await deliverNotification(deps, payload.notification as Notification);
    },
    'approval.notify': async (payload) => postApprovalCard(deps, payload.requestId, text(payload.approvalId)),
    'approval.click': async (payload) =>
      processApprovalClick(deps, payload.requestId, {
        approvalId: text(payload.approvalId),
        decision: payload.decision === 'approve' ? 'approve' : 'deny',
        clickerChatUserId: text(payload.clickerChatUserId),
        note: typeof payload.note === 'string' ? payload.note : undefined,
        eventId: text(payload.eventId),
      }),
    'approval.stepup_poll': async (payload) => pollApproverStepUp(deps, payload.requestId, text(payload.approvalId), payload.attempt ?? 1),
    'approval.remind': async (payload) => remindApproval(deps, payload.requestId, text(payload.approvalId)),
    'approval.expire': async (payload) => expireApproval(deps, payload.requestId, text(payload.approvalId)),
    'access.notice': async (payload) => announceAccessExpiry(deps, payload.requestId),
    'access.expire': async (payload) => expireAccess(deps, payload.requestId),
  };
}

/** When the queue gives up on a job: end the request visibly (never a silent stop). */
export function createGaveUpHandler(deps: CoreDeps) {
  return async (name: JobName, payload: JobPayload, error: unknown): Promise<void> => {
    deps.logger.error({ requestId: payload.requestId, job: name, code: error instanceof AppError ? error.code : 'internal' }, 'job gave up');
    if (name === 'chat.notify') {
      // The message could not be delivered even after retries: keep the evidence and tell a human.
      const request = await deps.store.get(payload.requestId);
      if (request) await recordAudit(deps, request, 'chat.delivery_failed', { details: { code: error instanceof AppError ? error.code : 'internal' } });
      return;
    }
    if (name === 'approval.notify') {
      // The card never reached the approver: without this the request would wait, unseen, for its expiry.
      await onApprovalUndeliverable(deps, payload.requestId, text(payload.approvalId), 'the approval card could not be delivered to them');
      return;
    }
    await onJobGaveUp(deps, payload.requestId, error);
  };
}

/** Job payload fields cross Redis as JSON: anything that is not a string is treated as absent. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
