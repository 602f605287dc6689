import type { ConversationRef, Escalation, OutboundMessage, PostedMessage } from '../domain/chat';
import { CHAT_ACTIONS } from '../domain/chat';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { createHash } from 'node:crypto';
import { isAppError } from '../domain/app-error';
import { applyWithRetry, recordAudit } from './request-journal';
import type { HelpdeskFloodDeps } from './helpdesk-flood';
import { admitHelpdeskCard } from './helpdesk-flood';
import { finalPrompt, isPromptPending } from './prompt-state';

/**
 * Chat output from use cases goes through the `chat.notify` queue, one job per message with a
 * stable id (`requestId:notify:key`): a Slack/Teams outage delays a reply instead of losing it, and a
 * retried step never posts the same message twice.
 */
export type Notification =
  | {
      kind: 'post';
      conversation: ConversationRef;
      message: OutboundMessage;
      requestId?: string;
      /** A prompt (prompt-state.ts): the posted message is recorded on the request under this slot, to close it later. */
      slot?: string;
    }
  /** A private answer to one person, in their DM (opened by the worker: no platform call in the gateway). */
  | { kind: 'direct'; surface: ConversationRef['surface']; chatUserId: string; message: OutboundMessage }
  | { kind: 'update'; posted: PostedMessage; message: OutboundMessage }
  | { kind: 'escalate'; surface: ConversationRef['surface']; escalation: Escalation }
  | { kind: 'update_escalation'; posted: PostedMessage; escalation: Escalation };

/** Case buttons on every escalation card (DESIGN: the helpdesk takes, resolves or rejects with a note). */
export function caseButtons(requestId: string): Escalation['buttons'] {
  return [
    { actionId: CHAT_ACTIONS.caseTake, value: requestId, label: 'Take' },
    { actionId: CHAT_ACTIONS.caseResolve, value: requestId, label: 'Resolve', style: 'primary' },
    { actionId: CHAT_ACTIONS.caseReject, value: requestId, label: 'Reject', style: 'danger' },
  ];
}

/** Replaces a card the bot posted earlier (final state of an approval card, case card updates). */
export async function notifyUpdate(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, key: string, posted: PostedMessage, message: OutboundMessage): Promise<void> {
  const notification: Notification = { kind: 'update', posted, message };
  await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `update:${key}`, payload: { notification } });
}

/**
 * Posts into a conversation about `request` (an approver's DM, the helpdesk thread; the requester's
 * through `notifyRequester`). `options.slot`: the message is a prompt to close once its wait is over
 * (prompt-state.ts).
 */
export async function notifyConversation(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, key: string, conversation: ConversationRef, message: OutboundMessage, options: { slot?: string } = {}): Promise<void> {
  const notification: Notification = { kind: 'post', conversation, message, requestId: request.id, ...(options.slot === undefined ? {} : { slot: options.slot }) };
  await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `notify:${key}`, payload: { notification } });
}

/**
 * Answers one person privately in their own DM (a refused click in the shared helpdesk channel): the
 * DM is opened by the worker, so the gateway that took the click makes no extra platform call.
 */
export async function notifyDirect(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, key: string, chatUserId: string, message: OutboundMessage): Promise<void> {
  const notification: Notification = { kind: 'direct', surface: request.conversation.surface, chatUserId, message };
  await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `direct:${key}`, payload: { notification } });
}

export async function notifyRequester(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, key: string, message: OutboundMessage, options: { slot?: string } = {}): Promise<void> {
  await notifyConversation(deps, request, key, request.conversation, message, options);
}

/**
 * Puts every recorded prompt of `request` whose wait is over in its final state (prompt-state.ts).
 * Safe to call at every step that may end a wait: each prompt gets one update (a stable job id).
 */
export async function closeSettledPrompts(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest): Promise<void> {
  for (const [slot, posted] of Object.entries(request.messages)) await closePrompt(deps, request, slot, posted);
}

async function closePrompt(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, slot: string, posted: PostedMessage): Promise<void> {
  const final = finalPrompt(request, slot);
  if (final) await notifyUpdate(deps, request, `final:${slot}:${posted.messageId}`, posted, final);
}

/**
 * Records a posted prompt on its request, only while the request still waits on it: the step that
 * posted it may not have saved its own transition yet (a question is posted before `clarifying` is
 * saved), and a version bump under it would fail that save. A prompt whose wait ended before it was
 * delivered (the push answered while the platform was slow) is closed at once. Never throws: the
 * message is out, and a retried job would post it twice; an unrecorded prompt only stays as it is.
 */
async function recordPrompt(deps: CoreDeps, requestId: string, slot: string, posted: PostedMessage): Promise<void> {
  try {
    await applyWithRetry(deps, requestId, (fresh) =>
      isPromptPending(fresh, slot) && fresh.messages[slot]?.messageId !== posted.messageId ? { type: 'message_recorded', slot, posted } : undefined,
    );
    const fresh = await deps.store.get(requestId);
    if (fresh && !isPromptPending(fresh, slot)) await closePrompt(deps, fresh, slot, posted);
  } catch (error) {
    deps.logger.warn({ requestId, slot, err: error }, 'posted prompt not recorded: it will not be put in its final state');
  }
}

export type HelpdeskDeps = Pick<CoreDeps, 'queue'> & HelpdeskFloodDeps;

/**
 * Posts an escalation card about `request` in the helpdesk channel (its case card), unless the
 * requester's escalations are being folded (`helpdesk-flood.ts`): then a summary card, once per fold
 * period, or nothing. `security: 'alert'`: something happened to an account — a push denied, a
 * compromise reported, facts changed under an approved request. Such alerts are never folded: each
 * needs a person now, and none can be produced by messages alone (each needs a push or an approval,
 * which the push rate limit bounds). Everything a chat message alone can cause is folded in a flood,
 * and the summary card names what it was about.
 */
export async function notifyHelpdesk(
  deps: HelpdeskDeps,
  request: ServiceRequest,
  key: string,
  escalation: Omit<Escalation, 'requestId'>,
  options: { security?: 'alert' | 'signal' } = {},
): Promise<void> {
  if (options.security !== 'alert') {
    // 'signal': raised by messages alone (push limit, velocity): the first of its kind in a window posts.
    const admission = await admitHelpdeskCard(deps, request, key, escalation, { firstOfKindPosts: options.security === 'signal' });
    if (!admission.post) {
      if (admission.summary) {
        const summary: Notification = { kind: 'escalate', surface: request.conversation.surface, escalation: admission.summary };
        await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `escalate:${key}:folded-summary`, payload: { notification: summary } });
      }
      return;
    }
  }
  const buttons = escalation.buttons ?? caseButtons(request.id);
  const notification: Notification = { kind: 'escalate', surface: request.conversation.surface, escalation: { ...escalation, buttons, requestId: request.id } };
  await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `escalate:${key}`, payload: { notification } });
}

/**
 * Worker side: delivers one notification through the surface that owns the conversation. The first
 * escalation card of a request becomes its helpdesk case card (recorded, so Take / Resolve can update it).
 */
export async function deliverNotification(deps: CoreDeps, notification: Notification): Promise<void> {
  const surfaceName =
    notification.kind === 'post'
      ? notification.conversation.surface
      : notification.kind === 'escalate' || notification.kind === 'direct'
        ? notification.surface
        : notification.posted.conversation.surface;
  const surface = deps.chats[surfaceName];
  if (!surface) throw new Error(`no chat surface "${surfaceName}" is configured in this process`);
  switch (notification.kind) {
    case 'post': {
      let messageId: string;
      try {
        messageId = await surface.post(notification.conversation, notification.message);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'chat.conversation_gone')) throw error;
        // F05: the stored conversation is gone (app removed, user left). Retrying cannot help: keep
        // the result (the request row is already final), audit the failed delivery, tell a human.
        const requestId = notification.requestId;
        const request = requestId ? await deps.store.get(requestId) : undefined;
        if (!request) return;
        await recordAudit(deps, request, 'chat.delivery_failed', { details: { code: error.code, reason: error.message } });
        await notifyHelpdesk(deps, request, `undeliverable:${createHash('sha256').update(JSON.stringify(notification.message)).digest('hex').slice(0, 12)}`, {
          reason: `A reply could not be delivered: the ${notification.conversation.surface} conversation no longer exists (app removed or user left). Contact the requester directly.`,
          facts: { ...requestFacts(request), Undelivered: notification.message.text.slice(0, 300) },
          severity: 'warning',
        });
        return;
      }
      if (notification.slot !== undefined && notification.requestId !== undefined) {
        await recordPrompt(deps, notification.requestId, notification.slot, { conversation: notification.conversation, messageId });
      }
      return;
    }
    case 'direct': {
      let conversation: ConversationRef;
      try {
        conversation = await surface.openDirectConversation(notification.chatUserId);
      } catch (error) {
        // The platform will never let the bot reach this person (F05): a private courtesy answer is
        // not worth a retry loop or a helpdesk case; the click itself is already audited.
        if (isAppError(error) && error.code === 'chat.conversation_gone') return;
        throw error;
      }
      await surface.post(conversation, notification.message);
      return;
    }
    case 'update':
      await surface.update(notification.posted.conversation, notification.posted.messageId, notification.message);
      return;
    case 'update_escalation':
      await surface.updateEscalation(notification.posted, notification.escalation);
      return;
    case 'escalate': {
      const posted = await surface.escalate(notification.escalation);
      const requestId = notification.escalation.requestId;
      if (!posted || !requestId) return;
      // The card is posted: recording it must survive a concurrent transition, or the job would retry
      // and post a second card.
      await applyWithRetry(
        deps,
        requestId,
        (fresh) =>
          fresh.helpdeskCase
            ? undefined
            : {
                type: 'case_updated',
                helpdeskCase: { state: 'open', card: posted, escalation: notification.escalation, history: [{ at: deps.clock.now().toISOString(), by: 'keyward', action: 'opened', note: notification.escalation.reason }] },
              },
        { details: { escalation: notification.escalation.reason } },
      );
      return;
    }
  }
}

/** Helpdesk facts common to every escalation about a request. */
export function requestFacts(request: ServiceRequest): Record<string, string> {
  const facts: Record<string, string> = {
    Request: request.id,
    Requester: request.requester.displayName ?? request.requester.email ?? request.requester.chatUserId,
    'Chat user': `${request.conversation.surface}:${request.requester.chatUserId}`,
  };
  if (request.requester.email) facts.Email = request.requester.email;
  if (request.requester.idpLogin) facts['IdP login'] = request.requester.idpLogin;
  if (request.intent) facts.Intent = `${request.intent}${request.confidence === undefined ? '' : ` (${Math.round(request.confidence * 100)}%)`}`;
  if (request.decision) facts.Policy = `${request.decision.rule} → ${request.decision.outcome}`;
  return facts;
}
