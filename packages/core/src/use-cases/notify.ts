import type { ConversationRef, Escalation, OutboundMessage } from '../domain/chat';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';

/**
 * Chat output from use cases goes through the `chat.notify` queue, one job per message with a
 * stable id (`requestId:notify:key`): a Slack/Teams outage delays a reply instead of losing it, and a
 * retried step never posts the same message twice.
 */
export type Notification =
  | { kind: 'post'; conversation: ConversationRef; message: OutboundMessage }
  | { kind: 'escalate'; surface: ConversationRef['surface']; escalation: Escalation };

export async function notifyRequester(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, key: string, message: OutboundMessage): Promise<void> {
  const notification: Notification = { kind: 'post', conversation: request.conversation, message };
  await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `notify:${key}`, payload: { notification } });
}

export async function notifyHelpdesk(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, key: string, escalation: Omit<Escalation, 'requestId'>): Promise<void> {
  const notification: Notification = { kind: 'escalate', surface: request.conversation.surface, escalation: { ...escalation, requestId: request.id } };
  await deps.queue.enqueue({ name: 'chat.notify', requestId: request.id, step: `escalate:${key}`, payload: { notification } });
}

/** Worker side: delivers one notification through the surface that owns the conversation. */
export async function deliverNotification(deps: Pick<CoreDeps, 'chats'>, notification: Notification): Promise<void> {
  const surfaceName = notification.kind === 'post' ? notification.conversation.surface : notification.surface;
  const surface = deps.chats[surfaceName];
  if (!surface) throw new Error(`no chat surface "${surfaceName}" is configured in this process`);
  if (notification.kind === 'post') await surface.post(notification.conversation, notification.message);
  else await surface.escalate(notification.escalation);
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
