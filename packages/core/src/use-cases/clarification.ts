import type { ConversationRef, OutboundMessage } from '../domain/chat';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { notifyRequester, notifyUpdate } from './notify';
import { PROMPT_SLOTS } from './prompt-state';
import { applyEvent } from './request-journal';

/** Evidence on a reading the requester chose with a button (not a classifier's guess). */
export const CHOSEN_BY_REQUESTER = 'chosen by the requester from the clarification buttons';

/**
 * Asks the requester a question with buttons and moves the request to `clarifying`, remembering the
 * question so its message can be put in a final state without buttons once it is answered.
 * Enqueue first, then transition: a crash in between re-runs the step, and the stable job id keeps
 * the question single.
 */
export async function askClarification(deps: Pick<CoreDeps, 'queue' | 'store' | 'audit' | 'clock' | 'policy' | 'agent'>, request: ServiceRequest, key: string, message: OutboundMessage): Promise<ServiceRequest> {
  await notifyRequester(deps, request, key, message, { slot: PROMPT_SLOTS.question });
  const options = (message.buttons ?? []).filter((b) => b.url === undefined).map((b) => ({ value: b.value, label: b.label }));
  return applyEvent(deps, request, { type: 'clarification_asked', question: { text: message.text, options } });
}

/**
 * The question's message once answered: the question, the choice, no buttons — so an old copy
 * cannot be clicked again (the way approval cards are finalised). `posted` is the message that
 * carried the clicked button, as the surface reported it.
 */
export async function finalizeQuestion(deps: Pick<CoreDeps, 'queue'>, request: ServiceRequest, posted: { conversation: ConversationRef; messageId?: string }, value: string, fallback: { text: string; label: string }): Promise<void> {
  if (posted.messageId === undefined) return;
  const question = request.clarification;
  const label = question?.options.find((o) => o.value === value)?.label ?? fallback.label;
  await notifyUpdate(deps, request, `answered:${posted.messageId}`, { conversation: posted.conversation, messageId: posted.messageId }, {
    text: `${question?.text ?? fallback.text}\nYou chose: ${label}.`,
  });
}
