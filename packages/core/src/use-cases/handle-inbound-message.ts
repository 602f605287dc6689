import { createHash } from 'node:crypto';
import type { InboundMessage } from '../domain/chat';
import type { ServiceRequest } from '../domain/request';
import { maskTypedSecrets, sanitizeText } from '../domain/sanitize-text';
import type { CoreDeps } from './core-deps';
import { recordAudit } from './request-journal';

type Deps = Pick<CoreDeps, 'store' | 'audit' | 'queue' | 'clock' | 'policy' | 'agent' | 'logger'>;

/** Longest message we keep; longer text is cut (nobody needs 4 KB to ask for a reset). */
export const MAX_MESSAGE_LENGTH = 4000;

/**
 * The request id derives from the platform's event id, so a redelivered event maps to the same
 * request, while every new message (new event id) is a new request: dedup never swallows a real repeat.
 */
export function requestIdForEvent(eventId: string): string {
  return `rq_${createHash('sha256').update(eventId).digest('hex').slice(0, 24)}`;
}

/** Other people the message mentions (never the requester), kept for the self-service check. */
function mentionsOf(message: InboundMessage): ServiceRequest['params'] {
  const others = [...new Set(message.mentionedUserIds ?? [])].filter((id) => id !== message.chatUserId).slice(0, 20);
  return others.length > 0 ? { mentionedUsers: others } : {};
}

/**
 * Gateway: a verified message arrived. Persist, audit, enqueue — nothing slow, no IdP call.
 * Safe to run twice for the same event (platform redelivery, or a crash between steps).
 */
export async function onInboundMessage(deps: Deps, message: InboundMessage): Promise<void> {
  const id = requestIdForEvent(message.eventId);
  const firstDelivery = await deps.store.claimInboundEvent(message.eventId, deps.clock.now());
  let request = await deps.store.get(id);
  if (!firstDelivery && request && request.state !== 'received') {
    deps.logger.info({ requestId: id, eventId: message.eventId }, 'duplicate delivery ignored');
    return;
  }
  if (!request) {
    const now = deps.clock.now().toISOString();
    request = {
      id,
      version: 1,
      state: 'received',
      createdAt: now,
      updatedAt: now,
      sourceEventId: message.eventId,
      conversation: message.conversation,
      requester: { chatUserId: message.chatUserId, chatTeamId: message.chatTeamId },
      params: mentionsOf(message),
      // A password typed into the chat is hidden before anything stores, shows or classifies it.
      text: maskTypedSecrets(sanitizeText(message.text)).slice(0, MAX_MESSAGE_LENGTH),
      messages: {},
      approvals: [],
    } satisfies ServiceRequest;
    try {
      await deps.store.create(request);
    } catch (error) {
      // Two deliveries raced past the claim: the other one created it.
      if (await deps.store.get(id)) return;
      throw error;
    }
    await recordAudit(deps, request, 'request.received', { details: { eventId: message.eventId, length: message.text.length } });
  }
  // Idempotent (job id = requestId:process): re-enqueueing after a crash is safe.
  await deps.queue.enqueue({ name: 'request.process', requestId: id, step: 'process' });
}
