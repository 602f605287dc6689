import { AppError } from '../domain/app-error';
import type { InboundAction, SurfaceName } from '../domain/chat';
import { CHAT_ACTIONS } from '../domain/chat';
import type { IntentName } from '../domain/intent';
import type { ServiceRequest } from '../domain/request';
import { ALL_INTENTS, RESOURCE_ACTIONS } from '../domain/intent';
import type { RevealedSecret } from '../ports/inbound-handlers';
import { createHash } from 'node:crypto';
import { sanitizeText } from '../domain/sanitize-text';
import type { CoreDeps } from './core-deps';
import { CHOSEN_BY_REQUESTER, finalizeQuestion } from './clarification';
import { onCaseAction } from './helpdesk-case';
import { intentLabel, replies } from './replies';
import { notifyConversation, notifyHelpdesk, notifyRequester, notifyUpdate, requestFacts } from './notify';
import { applyEvent, recordAudit } from './request-journal';
import { isVelocityRefusal } from './velocity';

type Deps = Pick<CoreDeps, 'store' | 'audit' | 'queue' | 'clock' | 'policy' | 'agent' | 'logger' | 'vault' | 'chats' | 'rateLimiter'>;

/** Gateway: a button click. Only the requester may answer their own clarification. Every click is audited. */
export async function onInboundAction(deps: Deps, action: InboundAction): Promise<void> {
  switch (action.actionId) {
    case CHAT_ACTIONS.approve:
    case CHAT_ACTIONS.deny:
      return onApprovalButton(deps, action);
    case CHAT_ACTIONS.caseTake:
    case CHAT_ACTIONS.caseResolve:
    case CHAT_ACTIONS.caseReject:
      return onCaseAction(deps, action);
    case CHAT_ACTIONS.noDevice:
      return onNoDevice(deps, action);
    case CHAT_ACTIONS.choose:
      return onChoice(deps, action);
    default:
      return;
  }
}

/**
 * Gateway: Approve / Deny. Only the replay check and the audit happen here; the authorisation needs
 * IdP lookups (and maybe the approver's step-up), so it runs in the worker (`approval.click`).
 */
async function onApprovalButton(deps: Deps, action: InboundAction): Promise<void> {
  const [requestId, approvalId] = action.value.split('|');
  const request = requestId ? await deps.store.get(requestId) : undefined;
  if (!request || !approvalId) return;
  const firstDelivery = await deps.store.claimInboundEvent(action.eventId, deps.clock.now());
  const decision = action.actionId === CHAT_ACTIONS.approve ? 'approve' : 'deny';
  await recordAudit(deps, request, 'approval.button_clicked', { details: { approvalId, decision, by: action.chatUserId, replay: !firstDelivery } });
  if (!firstDelivery) return;
  await deps.queue.enqueue({
    name: 'approval.click',
    requestId: request.id,
    step: `click:${createHash('sha256').update(action.eventId).digest('hex').slice(0, 16)}`,
    payload: { approvalId, decision, clickerChatUserId: action.chatUserId, note: action.note === undefined ? undefined : sanitizeText(action.note).slice(0, 1000), eventId: action.eventId },
  });
}

/** Gateway: "I don't have my old phone" on an MFA-reset push: only the requester, once. */
async function onNoDevice(deps: Deps, action: InboundAction): Promise<void> {
  const request = await deps.store.get(action.value);
  if (!request) return;
  const firstDelivery = await deps.store.claimInboundEvent(action.eventId, deps.clock.now());
  const valid = firstDelivery && action.chatUserId === request.requester.chatUserId && request.state === 'verifying' && request.action === 'mfa_reset';
  await recordAudit(deps, request, 'chat.button_clicked', { details: { actionId: action.actionId, by: action.chatUserId, accepted: valid, replay: !firstDelivery } });
  if (valid) await deps.queue.enqueue({ name: 'request.process', requestId: request.id, step: 'no-device', payload: { noDevice: true } });
}

async function onChoice(deps: Deps, action: InboundAction): Promise<void> {
  const [requestId, choice, resourceName] = action.value.split('|');
  const request = requestId ? await deps.store.get(requestId) : undefined;
  if (!request) return;
  // A replayed click (same platform event id, F18) is recorded and changes nothing.
  const firstDelivery = await deps.store.claimInboundEvent(action.eventId, deps.clock.now());
  const byRequester = action.chatUserId === request.requester.chatUserId;
  const handOff = firstDelivery && byRequester && choice === 'human_agent' && isVelocityRefusal(request);
  const valid = firstDelivery && byRequester && request.state === 'clarifying';
  await recordAudit(deps, request, 'chat.button_clicked', { details: { actionId: action.actionId, choice, by: action.chatUserId, accepted: valid || handOff, replay: !firstDelivery } });
  if (handOff) return handOffRefusal(deps, request, action);
  if (!valid) {
    // The requester clicked an old copy of a question already answered (another device, a double
    // click): a plain answer, never silence or an error. Anyone else, or a redelivery, changes nothing.
    if (firstDelivery && byRequester) await notifyConversation(deps, request, `answered-again:${action.eventId}`, action.conversation, replies.alreadyAnswered(request.state));
    return;
  }
  // "resource|<name>": the requester picked a catalogue entry from the "which group?" buttons.
  const pickedResource = choice === 'resource' && resourceName ? resourceName : undefined;
  const intent: IntentName = pickedResource ? (request.intent ?? 'unknown') : choice && (ALL_INTENTS as readonly string[]).includes(choice) ? (choice as IntentName) : 'unknown';
  const resourceKind = request.action ? RESOURCE_ACTIONS[request.action] : undefined;
  const resourceSlot: Record<string, string> = pickedResource && resourceKind ? { [resourceKind]: pickedResource } : {};
  await applyEvent(deps, request, {
    type: 'understood',
    classification: {
      intent,
      confidence: 1,
      alternatives: [],
      // A person the first message named stays named: choosing "reset your password" after
      // "reset Bob's password?" must still be refused, not turned into a reset of the clicker.
      slots: { ...(request.params.namedTarget ? { target: request.params.namedTarget } : {}), ...resourceSlot },
      evidence: [CHOSEN_BY_REQUESTER],
      compromiseSuspected: request.params.compromiseSuspected === true,
      negated: false,
      classifier: request.classifier ?? { name: 'user-choice', version: '1' },
    },
  });
  await deps.queue.enqueue({ name: 'request.process', requestId: request.id, step: 'process:chosen' });
  // The question's message ends in its final state, without buttons, so it cannot be answered twice.
  // After the choice is saved: a failure here leaves buttons whose next click is answered plainly.
  await finalizeQuestion(deps, request, action, action.value, { text: 'I asked you a question.', label: pickedResource ?? (intent === 'unknown' ? 'Something else' : intentLabel(intent)) });
}

/**
 * "Talk to a person" under a velocity refusal: the request stays refused (nothing is retried); the
 * helpdesk hears that the requester wants a person, the requester is told, and the refusal's message
 * loses its button. A second click is answered plainly.
 */
async function handOffRefusal(deps: Deps, request: ServiceRequest, action: InboundAction): Promise<void> {
  if (request.messages.handoff) {
    await notifyConversation(deps, request, `answered-again:${action.eventId}`, action.conversation, replies.alreadyPassedOn());
    return;
  }
  const updated = await applyEvent(deps, request, { type: 'message_recorded', slot: 'handoff', posted: { conversation: action.conversation, messageId: action.messageId ?? action.eventId } });
  await notifyHelpdesk(deps, updated, 'human', {
    reason: 'The requester reached the velocity limit and asked to talk to a person.',
    facts: { ...requestFacts(updated), Message: updated.text.slice(0, 500) },
    severity: 'info',
  });
  await notifyRequester(deps, updated, 'human', replies.human());
  if (action.messageId !== undefined) {
    const limit = deps.policy.velocity;
    const refusal = replies.velocityLimited(request.id, limit.limit, limit.windowMs);
    await notifyUpdate(deps, updated, `answered:${action.messageId}`, { conversation: action.conversation, messageId: action.messageId }, { text: `${refusal.text}\nYou chose: Talk to a person.`, tone: refusal.tone });
  }
}

/**
 * Surfaces that put a revealed secret's card in its final state themselves. Teams answers the click
 * with the secret on the card (the invoke response) and swaps it for "shown once" later: an update
 * from here would hide the secret the moment it appeared.
 */
const SURFACE_FINALISES_REVEAL: Record<SurfaceName, boolean> = { teams: true, slack: false, console: false };

/** What a secret is called in the requester's thread, from what the request issued. */
function secretNoun(request: ServiceRequest): string {
  if (request.action === 'mfa_reset') return 'Temporary Access Pass';
  return request.outcome?.summary?.startsWith('temporary password') ? 'temporary password' : 'password reset link';
}

/**
 * Gateway: "show my reset link". Only the requester, once, before expiry (invariant 6). The secret
 * goes straight back to the surface for a modal / reveal; it is never posted or logged.
 */
export async function onRevealSecret(deps: Deps, action: InboundAction): Promise<RevealedSecret> {
  const request = await deps.store.get(action.value);
  if (!request) throw new AppError('secret.not_found', 'This link is no longer available.');
  if (request.requester.chatUserId !== action.chatUserId) {
    await recordAudit(deps, request, 'secret.reveal_denied', { details: { by: action.chatUserId } });
    throw new AppError('secret.forbidden', 'Only the person who asked for this reset can open it.');
  }
  let secret: string;
  try {
    secret = await deps.vault.take(request.id, action.chatUserId, deps.clock.now());
  } catch (error) {
    await recordAudit(deps, request, 'secret.reveal_failed', { details: { by: action.chatUserId, code: error instanceof AppError ? error.code : 'internal' } });
    if (!(error instanceof AppError && error.code === 'secret.not_found')) throw error;
    // A click on an old copy of the button after the reveal: a plain "already done", not a failure.
    const shown = request.outcome?.secretPending === false;
    throw new AppError(
      'secret.not_found',
      shown
        ? `You already opened your ${secretNoun(request)}: it is shown only once. If you still need one, just ask me again.`
        : `This ${secretNoun(request)} was already opened or has expired. Ask me again for a new one.`,
    );
  }
  const delivered = request.state === 'succeeded' ? await applyEvent(deps, request, { type: 'secret_delivered' }) : request;
  if (action.messageId !== undefined && !SURFACE_FINALISES_REVEAL[action.conversation.surface]) {
    // The button's message ends in its final state, without the button (as approval cards do).
    await notifyUpdate(deps, delivered, `revealed:${action.messageId}`, { conversation: action.conversation, messageId: action.messageId }, replies.secretShown(secretNoun(request)));
  }
  const isLink = /^https?:\/\//.test(secret);
  if (isLink) return { title: 'Your password reset link', secret, note: 'This link works once. Open it now to choose a new password. It is not saved in this chat.', isLink };
  // Entra ID: a temporary password (reset) or a Temporary Access Pass (MFA re-enrolment).
  const pass = request.action === 'mfa_reset';
  return {
    title: pass ? 'Your Temporary Access Pass' : 'Your temporary password',
    secret,
    note: pass
      ? 'Sign in with this pass and set up your new phone. It is shown once and is not saved in this chat.'
      : 'Sign in with this password now; you will be asked to choose a new one. It is shown once and is not saved in this chat.',
    isLink,
  };
}
