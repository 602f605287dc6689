import type { OutboundMessage } from '../domain/chat';
import type { RequestState, ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { cancelOpenApprovals, finalizeCards } from './handle-approval';
import { replies } from './replies';
import { applyEvent } from './request-journal';

/** States a requester may still cancel from: nothing has been written yet. */
const CANCELLABLE: readonly RequestState[] = ['clarifying', 'verifying', 'decided', 'understood', 'awaiting_approval'];

/**
 * "cancel": a cancel written in a request's own thread cancels that request; otherwise the
 * requester's latest open one. The answer names what was cancelled ("Cancelled your request to join
 * design-team.") and is the only message: it goes where the cancel was typed. The cancelled
 * request's own thread is not posted to again; its waiting messages (push number, question buttons,
 * "needs approval") are updated in place to say it ended. Returns the answer for the cancel message.
 */
export async function cancelLatest(deps: CoreDeps, request: ServiceRequest): Promise<{ message: OutboundMessage; summary: string }> {
  const open = (await deps.store.listByRequester(request.requester.chatUserId, { limit: 20, openOnly: true })).filter((r) => r.id !== request.id && CANCELLABLE.includes(r.state));
  const inThread = request.conversation.threadId === undefined ? undefined : open.find((r) => sameThread(r, request));
  const target = inThread ?? open[0];
  if (!target) return { message: replies.cancelNothing(), summary: 'nothing to cancel' };
  const cancelled = await cancelOpenApprovals(deps, await applyEvent(deps, target, { type: 'cancelled', by: 'requester' }));
  // Approval cards, and every prompt the request waited on, go to their final state.
  await finalizeCards(deps, cancelled, 'Cancelled by the requester. Nothing was changed.');
  return { message: replies.cancelled(cancelled), summary: `cancelled ${target.id}` };
}

function sameThread(a: ServiceRequest, b: ServiceRequest): boolean {
  return a.conversation.surface === b.conversation.surface && a.conversation.channelId === b.conversation.channelId && a.conversation.threadId === b.conversation.threadId;
}
