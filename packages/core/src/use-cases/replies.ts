import type { ChatActionId, OutboundMessage } from '../domain/chat';
import { CHAT_ACTIONS } from '../domain/chat';
import type { ActionKind, IntentName } from '../domain/intent';
import { ACTION_LABELS } from '../domain/intent';
import type { ServiceRequest, StepUpState } from '../domain/request';
import { MESSAGE_RATE_LIMIT_RULE } from '../domain/flood-control';
import { requestLabel, requestPhrase } from '../domain/request-label';

/** Every sentence the bot says, in one place: plain text (surfaces escape it). */
export const replies = {
  /**
   * `topics`: what this user may ask for, in a few words each ("passwords", "groups"), from the same
   * policy evaluation as "help" (help-for.ts), so the greeting never promises more or less than help.
   */
  greeting: (topics: string[]): OutboundMessage => ({
    text:
      topics.length === 0
        ? "Hi! I'm the identity helpdesk bot. For your account I can't make changes myself, but I can pass you to the helpdesk (say \"talk to a human\") or show the status of your requests."
        : `Hi! I'm the identity helpdesk bot. I can help with ${listOf(topics)}. Type "help" for examples.`,
  }),
  /** "thanks!", "ok thank you": a courtesy, not a request. */
  thanks: (): OutboundMessage => ({ text: "You're welcome! Just message me if you need anything else." }),
  help: (): OutboundMessage => ({
    text:
      'Here is what I can do for you right now:\n' +
      '• "I forgot my password" — I verify it\'s you with an Okta Verify push, then give you a one-time reset link.\n' +
      '• "I\'m locked out" — I verify it\'s you, then unlock your account.\n' +
      '• "Sign me out everywhere" — I end all your sessions (say so if you think someone has your password).\n' +
      '• "Status of my request" — I list your recent requests.\n' +
      '• "Talk to a human" — I pass you to the helpdesk.\n' +
      'For anything else about accounts and access (MFA, groups, apps), ask and I will route it to the helpdesk.',
  }),
  negated: (intent: IntentName): OutboundMessage => ({
    text:
      intent === 'password_reset'
        ? "OK, I won't reset anything. To change your password yourself, sign in to Okta, open Settings and choose \"Change password\". If you do want a reset later, just say \"reset my password\"."
        : "OK, I won't change anything. Tell me if there's something I can do for you.",
  }),
  human: (): OutboundMessage => ({ text: "I've let the helpdesk know you'd like to talk to a person. Someone will reply to you here or contact you directly.", tone: 'info' }),
  outOfScope: (): OutboundMessage => ({
    text: "That's outside what I can help with — I handle account access: passwords, lockouts, sign-outs and access requests. For other IT problems, please contact the IT helpdesk. Say \"help\" to see what I can do.",
  }),
  unknown: (): OutboundMessage => ({
    text: 'Sorry, I didn\'t understand that. I can reset your password, unlock your account or sign you out everywhere. Say "help" for the list, or "talk to a human" for the helpdesk.',
  }),
  notEnglishDeclined: (): OutboundMessage => ({ text: 'OK. Write to me in English whenever you like, or say "talk to a human" to reach the helpdesk.' }),
  cancelNothing: (): OutboundMessage => ({ text: 'There is nothing in progress to cancel.' }),
  clarify: (request: ServiceRequest, options: IntentName[]): OutboundMessage => ({
    text: 'I want to be sure I get this right. Did you mean:',
    buttons: [
      ...options.map((intent) => ({ actionId: CHAT_ACTIONS.choose, value: `${request.id}|${intent}`, label: intentLabel(intent) })),
      { actionId: CHAT_ACTIONS.choose, value: `${request.id}|none`, label: 'Something else' },
    ],
  }),
  escalatedAction: (action: ActionKind): OutboundMessage => ({
    text: `I can't "${ACTION_LABELS[action].toLowerCase()}" by myself yet, so I've passed your request to the helpdesk. They'll get back to you here or directly.`,
    tone: 'info',
  }),
  identityUnverifiable: (): OutboundMessage => ({
    text: "I couldn't confirm who you are from your chat profile, so I can't make account changes for you. I've asked the helpdesk to help you directly.",
    tone: 'warning',
  }),
  identityNotFound: (): OutboundMessage => ({
    text: "I couldn't find exactly one company account that matches your chat profile, so I can't make changes myself. I've asked the helpdesk to help you.",
    tone: 'warning',
  }),
  external: (): OutboundMessage => ({ text: 'I can only help people from this organisation. Please contact your own IT helpdesk.', tone: 'warning' }),
  /** `label`: what the push confirms, naming the group or app (requestLabel). */
  pushSent: (label: string, number: number | undefined, noDeviceRequestId?: string): OutboundMessage => ({
    text:
      number === undefined
        ? `${label}: I sent a push to Okta Verify on your phone. Approve it to continue.`
        : `${label}: I sent a push to Okta Verify on your phone. Tap ${number} to approve.`,
    emphasis: number === undefined ? undefined : String(number),
    tone: 'info',
    context: ['Didn\'t ask for this? Deny the push and tell the helpdesk.'],
    // MFA reset: the old device may be gone; offer the attestation path instead of a push that can't be answered.
    buttons: noDeviceRequestId ? [{ actionId: CHAT_ACTIONS.noDevice, value: noDeviceRequestId, label: "I don't have my old phone" }] : undefined,
  }),
  /** OIDC re-authentication (Entra ID): a sign-in link instead of a push number. */
  signInSent: (label: string, url: string, noDeviceRequestId?: string): OutboundMessage => ({
    text: `${label}: to confirm it's you, sign in again with MFA. The link works once, only for your own account.`,
    tone: 'info',
    context: ["Didn't ask for this? Don't sign in, and tell the helpdesk."],
    buttons: [
      { actionId: CHAT_ACTIONS.choose, value: '', label: 'Sign in to confirm', style: 'primary', url },
      ...(noDeviceRequestId ? [{ actionId: CHAT_ACTIONS.noDevice, value: noDeviceRequestId, label: "I don't have my old phone" }] : []),
    ],
  }),
  unsupported: (action: ActionKind): OutboundMessage => ({
    text:
      action === 'account_unlock'
        ? "Microsoft Entra ID has no way for me to unlock an account: a sign-in lockout ends by itself after a short wait (about a minute, longer after repeated attempts). Wait, then try again — or say \"reset my password\" if you don't remember it. I've told the helpdesk in case you still can't get in."
        : `I can't "${ACTION_LABELS[action].toLowerCase()}" with this identity provider, so I've passed your request to the helpdesk.`,
    tone: 'info',
  }),
  accessPassReady: (request: ServiceRequest, ttlMinutes: number): OutboundMessage => ({
    text: `Done. I removed your old sign-in methods. Your Temporary Access Pass is ready: use it to sign in and set up your new phone. It opens only for you and only once here, and expires in ${ttlMinutes} minutes.`,
    tone: 'success',
    buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: request.id, label: 'Show my Temporary Access Pass', style: 'primary' }],
  }),
  /**
   * The policy's velocity window is full. Unlike other refusals this one is said plainly: it is the
   * requester's own pace, not a risk signal whose details would help an attacker.
   */
  velocityLimited: (requestId: string, limit: number, windowMs: number): OutboundMessage => ({
    text: `${windowMs === 3_600_000 ? `You've reached the hourly limit of ${limit} account changes` : `You've reached the limit of ${limit} account changes in ${Math.round(windowMs / 60_000)} minutes`}, so I didn't do this one and nothing was changed. You can try again later, or ask the helpdesk to help you now.`,
    tone: 'warning',
    buttons: [{ actionId: CHAT_ACTIONS.choose, value: `${requestId}|human_agent`, label: 'Talk to a person' }],
  }),
  /**
   * Flood control (policy `messageRateLimit`): said once per window, however many messages arrive in
   * it; the others get no reply at all, so a flood cannot turn the bot into a flood back.
   */
  messageRateLimited: (windowMs: number): OutboundMessage => {
    const minutes = Math.max(1, Math.round(windowMs / 60_000));
    return {
      text: `You've sent a lot of messages in a short time, so I'm pausing for ${minutes === 1 ? 'a minute' : `${minutes} minutes`}. Please wait a moment and try again; if it's urgent, ask for a person.`,
      tone: 'warning',
    };
  },
  pushRateLimited: (): OutboundMessage => ({
    text: "I've already sent you several verification prompts in the last few minutes, so I won't send another one. I've passed your request to the helpdesk.",
    tone: 'warning',
  }),
  noPushFactor: (): OutboundMessage => ({
    text: "I can't verify you with a push because there's no Okta Verify on your account. I've asked the helpdesk to help you verify another way.",
    tone: 'warning',
  }),
  /**
   * Okta reports a wrong number tapped exactly as a denial (factorResult REJECTED), so the sentence
   * covers both; the security alert stays, since a denial is a takeover signal.
   */
  pushRejected: (): OutboundMessage => ({
    text: "The push wasn't approved (it was denied, or a different number was tapped), so I didn't change anything. If you tapped the wrong number, just ask again. If you didn't ask for this, someone may be trying to get into your account — I've alerted the security team and the helpdesk.",
    tone: 'danger',
  }),
  /** The push prompt once its wait is over: no number or button is left to act on. */
  pushPromptClosed: (label: string, outcome: PromptOutcome, kind: 'push' | 'link'): OutboundMessage => ({
    text: `${label}: ${(kind === 'link' ? SIGN_IN_CLOSED : PUSH_CLOSED)[outcome]}`,
    tone: closedTone(outcome),
  }),
  /** An approver's "Confirm your approval: tap 64" once that push was answered or is no longer needed. */
  approverPushClosed: (outcome: PromptOutcome): OutboundMessage => ({
    text: `Confirm your approval: ${PUSH_CLOSED[outcome]}`,
    tone: closedTone(outcome),
  }),
  /** An approver's push that did not confirm their click (the approval waits for another click). */
  approverPushFailed: (result: 'rejected' | 'timeout'): OutboundMessage => ({
    text:
      result === 'rejected'
        ? "Your approval was not confirmed: the push wasn't approved (it was denied, or a different number was tapped). Nothing was approved; click Approve again to retry."
        : 'Your approval was not confirmed: the push expired. Nothing was approved; click Approve again to retry.',
    tone: 'warning',
  }),
  pushTimedOut: (): OutboundMessage => ({
    text: "The verification expired before it was approved, so I didn't change anything. Send your request again when you have your phone.",
    tone: 'warning',
  }),
  verified: (label: string): OutboundMessage => ({ text: `Thanks, you're verified. Working on it: ${label.charAt(0).toLowerCase()}${label.slice(1)}…`, tone: 'info' }),
  resetReady: (request: ServiceRequest, sessionsRevoked: boolean, ttlMinutes: number, kind: 'reset_link' | 'temporary_password' = 'reset_link'): OutboundMessage => ({
    text:
      (kind === 'temporary_password'
        ? `Done. Your temporary password is ready — it opens only for you and only once, and expires in ${ttlMinutes} minutes. You will choose a new password when you sign in with it.`
        : `Done. Your one-time password reset link is ready — it opens only for you and only once, and expires in ${ttlMinutes} minutes.`) +
      (sessionsRevoked ? ' I also signed you out on all devices.' : ''),
    tone: 'success',
    buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: request.id, label: kind === 'temporary_password' ? 'Show my temporary password' : 'Show my reset link', style: 'primary' }],
  }),
  unlocked: (already: boolean): OutboundMessage => ({
    text: already ? "Your account wasn't locked, so there was nothing to unlock. You should be able to sign in." : 'Done. Your account is unlocked — you can sign in again.',
    tone: 'success',
  }),
  signedOut: (compromise: boolean): OutboundMessage => ({
    text: compromise
      ? "Done. You're signed out on every device. Because you think someone may have your password, I've told the security team and the helpdesk; please reset your password next (just say \"reset my password\")."
      : "Done. You're signed out on every device.",
    tone: 'success',
  }),
  delayed: (): OutboundMessage => ({ text: 'The identity provider is busy right now. Your request is queued and I will retry automatically.', tone: 'info' }),
  failed: (): OutboundMessage => ({
    text: "Sorry, I couldn't complete that. Nothing was left half-done; I've passed it to the helpdesk with the details.",
    tone: 'danger',
  }),
  /** The write may or may not have reached the IdP (a worker stopped mid-call); never repeated. */
  outcomeUnknown: (what: string): OutboundMessage => ({
    text: `I can't confirm whether your ${what} went through: the service restarted while it was running, and I won't repeat it on my own. The helpdesk has the details. If you still need it, just ask me again.`,
    tone: 'warning',
  }),
  status: (requests: ServiceRequest[]): OutboundMessage => ({
    text:
      requests.length === 0
        ? "You don't have any requests with me yet."
        : 'Your recent requests:\n' + requests.map((r) => `• ${r.action ? requestLabel(r) : r.intent ?? 'message'} — ${describeState(r)} (${r.createdAt.slice(0, 16).replace('T', ' ')} UTC)`).join('\n'),
  }),
  awaitingApproval: (label: string, approvers: string, verified: boolean): OutboundMessage => ({
    text: `${verified ? "Thanks, you're verified. " : ''}${label} now needs approval from ${approvers}. I'll tell you here as soon as it's decided.`,
    tone: 'info',
  }),
  /** The "needs approval" message of a request cancelled while it waited (the cancel itself is answered where it was typed). */
  approvalWaitCancelled: (label: string, approvers: string): OutboundMessage => ({ text: `${label} was waiting for approval from ${approvers}. You cancelled it before it was decided.`, tone: 'info' }),
  /** A question asked with buttons that will never be answered now (no buttons left to click). */
  questionClosed: (question: string, cancelled: boolean): OutboundMessage => ({ text: `${question}\n${cancelled ? 'You cancelled this request.' : 'This question is closed.'}` }),
  /** `cancelled` names the request, so the answer makes sense outside that request's thread too. */
  cancelled: (cancelled: ServiceRequest): OutboundMessage => ({ text: `Cancelled ${requestPhrase(cancelled)}. Nothing was changed.` }),
  /** The "show my …" message once its secret was revealed: no button left to click. */
  secretShown: (noun: string): OutboundMessage => ({
    text: `Done. Your ${noun} was shown to you once and is no longer available here. If you need a new one, just ask me again.`,
    tone: 'success',
  }),
  /** A clarification button clicked after the question was already answered (an old copy of it). */
  alreadyAnswered: (state: ServiceRequest['state']): OutboundMessage => ({
    text:
      state === 'cancelled'
        ? 'This request was cancelled, so there is nothing more to do here. Send me a new message if you need something.'
        : 'You already answered this question, so there is nothing more to do here. Send me a new message if you need something else.',
  }),
  /** The human hand-off button of a refusal, clicked again after the helpdesk was told. */
  alreadyPassedOn: (): OutboundMessage => ({ text: "I've already passed this to the helpdesk; someone will get back to you." }),
  /** A click on a button meant for someone else; `role` names who may click it, never a person. */
  notYourButton: (role: string): OutboundMessage => ({ text: `This button isn't yours: only ${role} can use it.`, tone: 'warning' }),
};

/** Who decides an approval in the helpdesk channel, and works its cases. */
export const HELPDESK_ADMIN_ROLE = 'a helpdesk admin named in the policy';
const REQUESTER_ROLE = 'the person who made this request';
const APPROVER_ROLE = 'the approver it was sent to';

/** Who each button belongs to, as a refused click by anyone else is told (`replies.notYourButton`). */
export const BUTTON_OWNERS: Record<ChatActionId, string> = {
  [CHAT_ACTIONS.choose]: REQUESTER_ROLE,
  [CHAT_ACTIONS.revealSecret]: REQUESTER_ROLE,
  [CHAT_ACTIONS.cancelRequest]: REQUESTER_ROLE,
  [CHAT_ACTIONS.noDevice]: REQUESTER_ROLE,
  [CHAT_ACTIONS.approve]: APPROVER_ROLE,
  [CHAT_ACTIONS.deny]: APPROVER_ROLE,
  [CHAT_ACTIONS.caseTake]: HELPDESK_ADMIN_ROLE,
  [CHAT_ACTIONS.caseResolve]: HELPDESK_ADMIN_ROLE,
  [CHAT_ACTIONS.caseReject]: HELPDESK_ADMIN_ROLE,
};

/** How a push or sign-in prompt ended: the step-up's result, or why it is no longer needed. */
export type PromptOutcome = NonNullable<StepUpState['result']> | 'cancelled' | 'withdrawn';

const PUSH_CLOSED: Record<PromptOutcome, string> = {
  approved: 'verified ✓',
  rejected: 'push not approved.',
  timeout: 'push expired.',
  error: 'the push could not be checked.',
  cancelled: 'cancelled; the push is no longer needed.',
  withdrawn: 'the push is no longer needed.',
};

const SIGN_IN_CLOSED: Record<PromptOutcome, string> = {
  approved: 'verified ✓',
  rejected: 'sign-in not confirmed.',
  timeout: 'sign-in link expired.',
  error: 'the sign-in could not be checked.',
  cancelled: 'cancelled; the sign-in link is no longer needed.',
  withdrawn: 'the sign-in link is no longer needed.',
};

/** "Verified" is a step, not the result: only the request's own "Done" is shown as a success. */
function closedTone(outcome: PromptOutcome): OutboundMessage['tone'] {
  return outcome === 'rejected' || outcome === 'timeout' || outcome === 'error' ? 'warning' : 'info';
}

/**
 * Outcome summaries of requests answered without any change (`answered` with this summary): the
 * status list says what happened instead of a bare "answered".
 */
export const NOTHING_TO_CHANGE = { alreadyMember: 'already a member', notMember: 'not a member' } as const;

const ANSWERED_STATUS: Record<string, string> = {
  [NOTHING_TO_CHANGE.alreadyMember]: 'already a member — nothing to change',
  [NOTHING_TO_CHANGE.notMember]: 'not a member — nothing to remove',
};

/** "a, b and c". */
function listOf(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

export function intentLabel(intent: IntentName): string {
  if (intent in ACTION_LABELS) return ACTION_LABELS[intent as ActionKind];
  const labels: Record<string, string> = {
    greeting: 'Just saying hi',
    help: 'See what you can do',
    human_agent: 'Talk to a person',
    status: 'Check my requests',
    cancel: 'Cancel',
    out_of_scope: 'Something else',
    unknown: 'Something else',
  };
  return labels[intent] ?? intent;
}

function describeState(request: ServiceRequest): string {
  // Flood control refused it unread: nothing went to the helpdesk, so "passed to the helpdesk" would be wrong.
  if (request.state === 'refused' && request.outcome?.summary === MESSAGE_RATE_LIMIT_RULE) return 'not read — too many messages at once';
  if (request.state === 'answered' && request.action) return ANSWERED_STATUS[request.outcome?.summary ?? ''] ?? 'answered';
  const states: Partial<Record<ServiceRequest['state'], string>> = {
    received: 'received',
    understood: 'being handled',
    clarifying: 'waiting for your answer',
    decided: 'being handled',
    verifying: 'waiting for your Okta Verify approval',
    verified: 'verified',
    queued: 'queued',
    executing: 'in progress',
    succeeded: 'done',
    failed: 'failed — passed to the helpdesk',
    refused: 'not done — passed to the helpdesk',
    escalated: 'with the helpdesk',
    cancelled: 'cancelled',
    expired: 'expired',
  };
  return states[request.state] ?? request.state;
}
