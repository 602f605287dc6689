import type { InboundAction } from '../domain/chat';
import { CHAT_ACTIONS } from '../domain/chat';
import { sanitizeText } from '../domain/sanitize-text';
import type { HelpdeskCase } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { caseButtons, notifyDirect, notifyRequester } from './notify';
import { applyEvent, recordAudit } from './request-journal';

type Deps = Pick<CoreDeps, 'store' | 'audit' | 'queue' | 'clock' | 'policy' | 'agent' | 'logger' | 'chats'>;

/** What a refused case click is told (plain text). */
export const CASE_REFUSALS = {
  notAdmin: 'Only helpdesk admins listed in the policy can work cases; ask an admin to add you (helpdesk.admins). Nothing was changed.',
  requester: 'You cannot work on your own case; a helpdesk admin will pick it up. Nothing was changed.',
  closed: (state: HelpdeskCase['state']): string => `This case is already ${state}. Nothing was changed.`,
} as const;

/**
 * Gateway: Take / Resolve / Reject on a helpdesk case card. A case has a state and an audit trail;
 * resolving or rejecting tells the requester, with the agent's note. The requester can never work
 * their own case. No IdP call: the helpdesk does the work by hand, the bot keeps the record.
 */
export async function onCaseAction(deps: Deps, action: InboundAction): Promise<void> {
  const request = await deps.store.get(action.value);
  if (!request) return;
  const firstDelivery = await deps.store.claimInboundEvent(action.eventId, deps.clock.now());
  const current: HelpdeskCase = request.helpdeskCase ?? { state: 'open', history: [] };
  const closed = current.state === 'resolved' || current.state === 'rejected';
  const isRequester = action.chatUserId === request.requester.chatUserId;
  // Only a helpdesk agent named in the policy works a case: a note reaches the requester in the bot's
  // voice, so a bystander in the channel must never be able to send one (or close the case).
  const chat = deps.chats[request.conversation.surface];
  const agent = chat ? await chat.lookupUser(action.chatUserId).catch(() => undefined) : undefined;
  const agentEmail = agent && !agent.isExternal && !agent.isBot && !agent.isDeleted ? agent.email?.toLowerCase() : undefined;
  const isAgent = agentEmail !== undefined && deps.policy.helpdeskAdmins.includes(agentEmail) && agentEmail !== request.requester.email?.toLowerCase();
  const valid = firstDelivery && !isRequester && !closed && isAgent;
  await recordAudit(deps, request, 'case.button_clicked', {
    details: { actionId: action.actionId, by: action.chatUserId, accepted: valid, replay: !firstDelivery, ...(isAgent ? {} : { reason: 'not a helpdesk agent' }) },
  });
  if (!valid) {
    // Every refused click is answered, privately (the clicker's DM, never the shared channel), the
    // way an approval click by a bystander is; a redelivery of a click already answered is not.
    const refusal = !firstDelivery ? undefined : isRequester ? CASE_REFUSALS.requester : !isAgent ? CASE_REFUSALS.notAdmin : CASE_REFUSALS.closed(current.state);
    if (refusal) await notifyDirect(deps, request, `case-click-rejected:${action.eventId}`, action.chatUserId, { text: refusal, tone: 'warning' });
    return;
  }

  const agentName = agent?.displayName ?? action.chatUserId;
  const at = deps.clock.now().toISOString();
  const note = action.note === undefined ? undefined : sanitizeText(action.note).trim().slice(0, 1000) || undefined;
  let next: HelpdeskCase;
  if (action.actionId === CHAT_ACTIONS.caseTake) {
    next = { ...current, state: 'taken', assignee: { chatUserId: action.chatUserId, displayName: agentName }, history: [...current.history, { at, by: agentName, action: 'taken' }] };
  } else {
    const resolved = action.actionId === CHAT_ACTIONS.caseResolve;
    next = { ...current, state: resolved ? 'resolved' : 'rejected', note, history: [...current.history, { at, by: agentName, action: resolved ? 'resolved' : 'rejected', note }] };
  }
  const updated = await applyEvent(deps, request, { type: 'case_updated', helpdeskCase: next }, { details: { case: next.state, by: action.chatUserId } });

  if (next.card && next.escalation) {
    const status = next.state === 'taken' ? `Taken by ${agentName}` : `${next.state === 'resolved' ? 'Resolved' : 'Rejected'} by ${agentName}${note ? `: "${note}"` : ''}`;
    const buttons = next.state === 'taken' ? caseButtons(request.id)?.filter((b) => b.actionId !== CHAT_ACTIONS.caseTake) : [];
    await deps.queue.enqueue({
      name: 'chat.notify',
      requestId: request.id,
      step: `case:${next.history.length}`,
      payload: { notification: { kind: 'update_escalation', posted: next.card, escalation: { ...next.escalation, status, buttons } } },
    });
  }
  if (next.state === 'resolved' || next.state === 'rejected') {
    await notifyRequester(deps, updated, `case-${next.state}`, {
      text:
        next.state === 'resolved'
          ? `The helpdesk (${agentName}) has handled your request${note ? `: "${note}"` : '.'}`
          : `The helpdesk (${agentName}) could not do this${note ? `: "${note}"` : '.'}`,
      tone: next.state === 'resolved' ? 'success' : 'warning',
    });
  }
}
