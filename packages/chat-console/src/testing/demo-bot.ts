import { randomUUID } from 'node:crypto';
import { AppError, CHAT_ACTIONS } from '@keyward/core';
import type { AuditLog, ChatButton, ConversationRef, Escalation, InboundAction, InboundHandlers, InboundMessage, PostedMessage } from '@keyward/core';
import type { ConsoleSurface } from '../console-surface';
import type { FakePhoneSimulator } from './fake-phone-simulator';

export interface DemoBotDeps {
  surface: ConsoleSurface;
  phone: FakePhoneSimulator;
  audit: AuditLog;
  now?: () => Date;
}

/**
 * A scripted stand-in for the real use cases, so the page can be previewed and driven end to end
 * without the gateway: a password reset with a number-matching push, a refusal that escalates, and a
 * one-time reveal. It is not the product's logic and makes no policy decision worth copying.
 */
export function createDemoBot(deps: DemoBotDeps): InboundHandlers {
  const { surface, phone, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const secrets = new Map<string, string>();
  const cases = new Map<string, { posted: PostedMessage; escalation: Escalation; requester: ConversationRef }>();

  const caseButtons = (requestId: string, taken: boolean): ChatButton[] => [
    ...(taken ? [] : [{ actionId: CHAT_ACTIONS.caseTake, value: requestId, label: 'Take' }]),
    { actionId: CHAT_ACTIONS.caseResolve, value: requestId, label: 'Resolve', style: 'primary' },
    { actionId: CHAT_ACTIONS.caseReject, value: requestId, label: 'Reject', style: 'danger' },
  ];

  async function openCase(requestId: string, requester: ConversationRef, escalation: Escalation): Promise<void> {
    const card: Escalation = { ...escalation, requestId, status: 'Open', buttons: caseButtons(requestId, false) };
    const posted = await surface.escalate(card);
    cases.set(requestId, { posted, escalation: card, requester });
  }

  /** Take / Resolve / Reject on a case card; only a helpdesk persona may work a case. */
  async function onCaseAction(action: InboundAction): Promise<void> {
    const found = cases.get(action.value);
    const agent = await surface.findPerson(action.chatUserId);
    if (found === undefined || agent?.role !== 'helpdesk') return;
    if (action.actionId === CHAT_ACTIONS.caseTake) {
      found.escalation = { ...found.escalation, status: `Taken by ${agent.displayName}`, buttons: caseButtons(action.value, true) };
      await surface.updateEscalation(found.posted, found.escalation);
      return;
    }
    const verb = action.actionId === CHAT_ACTIONS.caseResolve ? 'Resolved' : 'Rejected';
    // The final card has no buttons: the case is closed.
    const { reason, facts, severity } = found.escalation;
    found.escalation = { requestId: action.value, reason, facts, severity, status: `${verb} by ${agent.displayName}: ${action.note ?? ''}` };
    await surface.updateEscalation(found.posted, found.escalation);
    await surface.post(found.requester, {
      text: `The helpdesk ${verb.toLowerCase()} your request: ${action.note ?? ''}`,
      tone: verb === 'Resolved' ? 'success' : 'warning',
      context: [`Request ${action.value}`],
    });
    cases.delete(action.value);
  }
  const agent = { name: 'keyward-demo', version: '0.0.0' };

  async function record(requestId: string, type: string, conversation: ConversationRef, chatUserId: string, extra = {}) {
    await audit.append({
      requestId,
      at: now(),
      type,
      channel: { surface: 'console', channelId: conversation.channelId, ...(conversation.threadId ? { threadId: conversation.threadId } : {}) },
      requester: { chatUserId },
      agent,
      ...extra,
    });
  }

  async function startPush(action: InboundAction, requestId: string): Promise<void> {
    const { conversation, chatUserId } = action;
    const identity = await surface.lookupUser(chatUserId);
    if (action.messageId !== undefined) {
      await surface.update(conversation, action.messageId, { text: 'Reset your password: confirmed.', tone: 'info', context: [`Request ${requestId}`] });
    }
    const number = 10 + Math.floor(Math.random() * 90);
    const { outcome } = phone.push(identity.email ?? '', number);
    await surface.post(conversation, {
      text: 'I sent a push to Okta Verify on your phone. Tap this number to prove it is you:',
      emphasis: String(number),
      tone: 'info',
      context: [`Request ${requestId} · waiting for your phone`],
    });
    await record(requestId, 'stepup.started', conversation, chatUserId, { state: 'awaiting_stepup', verification: { factor: 'push' } });
    const result = await outcome;
    await record(requestId, `stepup.${result}`, conversation, chatUserId, { verification: { factor: 'push', result } });
    if (result === 'approved') {
      secrets.set(requestId, `https://sandbox.example.test/reset/${randomUUID()}`);
      await record(requestId, 'idp.write', conversation, chatUserId, { action: 'reset_password', outcome: 'succeeded', state: 'completed' });
      await surface.post(conversation, {
        text: 'Done. Your one-time reset link is ready. It is shown only to you and only once.',
        tone: 'success',
        buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: requestId, label: 'Show my reset link', style: 'primary' }],
        context: [`Request ${requestId} · completed`],
      });
      return;
    }
    await surface.post(conversation, {
      text: result === 'expired' ? 'The push timed out, so nothing was changed. Ask again when you are ready.' : 'The push was rejected, so nothing was changed.',
      tone: result === 'expired' ? 'warning' : 'danger',
      context: [`Request ${requestId} · ${result}`],
    });
    if (result === 'rejected') {
      await openCase(requestId, conversation, {
        reason: 'A password-reset push was rejected',
        facts: { Requester: identity.displayName ?? chatUserId, Email: identity.email ?? '', Outcome: 'wrong number or denied' },
        severity: 'warning',
      });
    }
  }

  return {
    async onMessage(message: InboundMessage): Promise<void> {
      const requestId = `req-${randomUUID().slice(0, 8)}`;
      const { conversation, chatUserId } = message;
      const identity = await surface.lookupUser(chatUserId);
      const person = await surface.findPerson(chatUserId);
      await record(requestId, 'request.received', conversation, chatUserId, { state: 'received' });
      if (!/pass|lock|reset|unlock|forgot/i.test(message.text)) {
        await surface.post(conversation, { text: 'I can help with password resets and account unlocks. Try "I forgot my password".', tone: 'info' });
        return;
      }
      const note = person?.note.toLowerCase() ?? '';
      if (note.includes('admin') || note.includes('no push')) {
        const reason = note.includes('admin') ? 'Self-service reset refused: the account holds an admin role' : 'No push factor enrolled';
        await record(requestId, 'policy.refused', conversation, chatUserId, { state: 'refused', outcome: 'escalated' });
        await surface.post(conversation, {
          text: `I can't do this one myself (${reason.toLowerCase()}). I've passed it to the helpdesk, who will contact you.`,
          tone: 'warning',
          context: [`Request ${requestId} · escalated`],
        });
        await openCase(requestId, conversation, {
          reason,
          facts: { Requester: identity.displayName ?? chatUserId, Email: identity.email ?? '', Asked: message.text },
          severity: note.includes('admin') ? 'critical' : 'info',
        });
        return;
      }
      await record(requestId, 'request.understood', conversation, chatUserId, { state: 'understood', agent: { ...agent, intent: 'reset_password', confidence: 0.93 } });
      await surface.post(conversation, {
        text: `Hi ${identity.displayName ?? ''}. I can reset your password. I will first send a push to Okta Verify on your phone.`,
        buttons: [
          { actionId: CHAT_ACTIONS.choose, value: `push:${requestId}`, label: 'Send the push', style: 'primary' },
          { actionId: CHAT_ACTIONS.cancelRequest, value: requestId, label: 'Cancel' },
        ],
        context: [`Request ${requestId} · reset password`],
      });
    },

    async onAction(action: InboundAction): Promise<void> {
      if (action.actionId === CHAT_ACTIONS.caseTake || action.actionId === CHAT_ACTIONS.caseResolve || action.actionId === CHAT_ACTIONS.caseReject) {
        await onCaseAction(action);
        return;
      }
      if (action.actionId === CHAT_ACTIONS.cancelRequest && action.messageId !== undefined) {
        await surface.update(action.conversation, action.messageId, { text: 'Cancelled. Nothing was changed.', context: [`Request ${action.value}`] });
        return;
      }
      if (action.actionId === CHAT_ACTIONS.choose && action.value.startsWith('push:')) {
        // Not awaited: the push wait belongs in a worker; the click is acknowledged at once.
        void startPush(action, action.value.slice('push:'.length));
      }
    },

    async onRevealSecret(action: InboundAction) {
      const secret = secrets.get(action.value);
      if (secret === undefined) throw new AppError('secret.not_found', 'This link was already shown or has expired.');
      secrets.delete(action.value);
      if (action.messageId !== undefined) {
        await surface.update(action.conversation, action.messageId, { text: 'Your reset link was shown once and is now gone from Keyward.', tone: 'success', context: [`Request ${action.value}`] });
      }
      return { title: 'Your password reset link', secret, note: 'Opens once. Expires in 1 hour.', isLink: true };
    },
  };
}
