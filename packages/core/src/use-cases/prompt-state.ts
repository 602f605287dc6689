import type { OutboundMessage } from '../domain/chat';
import type { Approval, ServiceRequest } from '../domain/request';
import { describeApprovers, requestLabel } from '../domain/request-label';
import { replies } from './replies';

/**
 * Messages that wait for something, recorded on the request when posted (`request.messages`, by
 * slot) so they can be put in a final state once the wait is over: a push number left on screen
 * reads as still pending, a question's buttons as still open.
 */
export const PROMPT_SLOTS = {
  /** The requester's "Tap 57 to approve." (or sign-in link). */
  push: 'push',
  /** "… now needs approval from Carol (manager)." */
  awaitingApproval: 'awaiting-approval',
  /** The last question asked with buttons. */
  question: 'question',
} as const;

const APPROVER_PUSH = 'approver-push:';

/** An approver's "Confirm your approval: tap 64" (high band): one slot per push, as each click sends a new one. */
export function approverPushSlot(approvalId: string, transactionId: string): string {
  return `${APPROVER_PUSH}${approvalId}:${transactionId}`;
}

/** The prompt in `slot` still waits for its answer: it keeps its number and buttons. */
export function isPromptPending(request: ServiceRequest, slot: string): boolean {
  switch (slot) {
    case PROMPT_SLOTS.push:
      return request.state === 'verifying' && request.stepUp?.result === undefined;
    case PROMPT_SLOTS.awaitingApproval:
      return request.state === 'awaiting_approval';
    case PROMPT_SLOTS.question:
      return request.state === 'clarifying';
    default: {
      const push = approverPush(request, slot);
      return push?.current === true && request.state === 'awaiting_approval' && push.approval.state === 'verifying' && push.approval.stepUp?.result === undefined;
    }
  }
}

/**
 * What the prompt in `slot` says once its wait is over: how the push ended, or why it is no longer
 * needed. Undefined while it waits, and for a message that stays true as it is (the approval note of
 * a request that was decided: the decision is its own message).
 */
export function finalPrompt(request: ServiceRequest, slot: string): OutboundMessage | undefined {
  if (isPromptPending(request, slot)) return undefined;
  switch (slot) {
    case PROMPT_SLOTS.push: {
      const stepUp = request.stepUp;
      if (!stepUp) return undefined;
      return replies.pushPromptClosed(requestLabel(request), stepUp.result ?? (request.state === 'cancelled' ? 'cancelled' : 'withdrawn'), stepUp.kind ?? 'push');
    }
    case PROMPT_SLOTS.awaitingApproval:
      return request.state === 'cancelled' ? replies.approvalWaitCancelled(requestLabel(request), describeApprovers(request.approvals)) : undefined;
    case PROMPT_SLOTS.question:
      // Cleared when answered: the answer already put that question in its final state ("You chose: …").
      return request.clarification ? replies.questionClosed(request.clarification.text, request.state === 'cancelled') : undefined;
    default: {
      const push = approverPush(request, slot);
      if (!push) return undefined;
      return replies.approverPushClosed((push.current ? push.approval.stepUp?.result : undefined) ?? 'withdrawn');
    }
  }
}

/** The approval an approver-push slot is about, and whether that push is still the approval's current one. */
function approverPush(request: ServiceRequest, slot: string): { approval: Approval; current: boolean } | undefined {
  if (!slot.startsWith(APPROVER_PUSH)) return undefined;
  const rest = slot.slice(APPROVER_PUSH.length);
  const separator = rest.indexOf(':');
  const approval = request.approvals.find((a) => a.id === rest.slice(0, separator));
  return approval && { approval, current: approval.stepUp?.transactionId === rest.slice(separator + 1) };
}
