import type { InboundAction, InboundMessage } from '../domain/chat';
import type { RequestState, ServiceRequest } from '../domain/request';
import { onInboundAction, onRevealSecret } from '../use-cases/handle-inbound-action';
import { onInboundMessage, requestIdForEvent } from '../use-cases/handle-inbound-message';
import type { FakeIdpUser } from './fake-identity-provider';
import type { RecordedJob } from './memory-queue';
import type { TestCoreDeps, TestCoreDepsOptions } from './test-core-deps';
import { createTestCoreDeps, drainQueue } from './test-core-deps';

/**
 * The cast of the core's own use-case tests (not exported from `testing`: other packages build
 * their own). One ordinary employee and one of each kind of requester the bot must not serve.
 */
export const PEOPLE = {
  alice: { chat: 'U_ALICE', idp: '00u_alice', email: 'alice@example.com' },
  bob: { chat: 'U_BOB', idp: '00u_bob', email: 'bob@example.com' },
  root: { chat: 'U_ROOT', idp: '00u_root', email: 'root@example.com' },
  locked: { chat: 'U_LOCKED', idp: '00u_locked', email: 'locked@example.com' },
  nofactor: { chat: 'U_NOFACTOR', idp: '00u_nofactor', email: 'nofactor@example.com' },
  external: { chat: 'U_EXTERNAL' },
  bot: { chat: 'U_BOT' },
  noEmail: { chat: 'U_NOEMAIL' },
  ghost: { chat: 'U_GHOST', email: 'ghost@example.com' },
  twin: { chat: 'U_TWIN', email: 'twin@example.com' },
} as const;

function idpUser(id: string, email: string, extra: Partial<FakeIdpUser> = {}): FakeIdpUser {
  const login = email.split('@')[0] ?? email;
  return { id, login, email, displayName: login, status: 'ACTIVE', attributes: {}, groups: [{ id: 'g_everyone', name: 'Everyone' }], ...extra };
}

export const TEXT = {
  hi: 'hi there',
  help: 'what can you do',
  weather: "what's the weather",
  gibberish: 'qwxz plop',
  human: 'let me talk to a human',
  reset: 'I forgot my password',
  unlock: "I'm locked out",
  signOut: 'sign me out everywhere',
  compromisedSignOut: 'someone has my password, sign me out',
  compromisedReset: 'someone has my password, reset it',
  negatedReset: "I don't need a password reset",
  vague: 'password thing broken',
  addGroup: 'add me to design-team',
} as const;

export function createScenario(options: TestCoreDepsOptions = {}): TestCoreDeps {
  const p = PEOPLE;
  return createTestCoreDeps({
    users: [
      idpUser(p.alice.idp, p.alice.email, { displayName: 'Alice Example' }),
      idpUser(p.bob.idp, p.bob.email),
      idpUser(p.root.idp, p.root.email, { adminRoles: ['SUPER_ADMIN'] }),
      idpUser(p.locked.idp, p.locked.email, { status: 'LOCKED_OUT' }),
      idpUser(p.nofactor.idp, p.nofactor.email),
      idpUser('00u_twin1', p.twin.email),
      idpUser('00u_twin2', p.twin.email.toUpperCase()),
    ],
    chatUsers: {
      [p.alice.chat]: { email: p.alice.email, displayName: 'Alice' },
      [p.bob.chat]: { email: p.bob.email, displayName: 'Bob' },
      [p.root.chat]: { email: p.root.email },
      [p.locked.chat]: { email: p.locked.email },
      [p.nofactor.chat]: { email: p.nofactor.email },
      [p.external.chat]: { email: 'mallory@other.example', isExternal: true },
      [p.bot.chat]: { email: 'bot@example.com', isBot: true },
      [p.noEmail.chat]: {},
      [p.ghost.chat]: { email: p.ghost.email },
      [p.twin.chat]: { email: p.twin.email },
    },
    classifications: {
      [TEXT.hi]: { intent: 'greeting' },
      [TEXT.help]: { intent: 'help' },
      [TEXT.weather]: { intent: 'out_of_scope' },
      [TEXT.human]: { intent: 'human_agent' },
      [TEXT.reset]: { intent: 'password_reset', evidence: ['forgot', 'password'] },
      [TEXT.unlock]: { intent: 'account_unlock' },
      [TEXT.signOut]: { intent: 'session_revoke' },
      [TEXT.compromisedSignOut]: { intent: 'session_revoke', compromiseSuspected: true },
      [TEXT.compromisedReset]: { intent: 'password_reset', compromiseSuspected: true },
      [TEXT.negatedReset]: { intent: 'password_reset', negated: true },
      [TEXT.vague]: { intent: 'password_reset', confidence: 0.4, alternatives: [{ intent: 'account_unlock', confidence: 0.3 }, { intent: 'unknown', confidence: 0.1 }] },
      [TEXT.addGroup]: { intent: 'group_membership_add', slots: { group: 'design-team' } },
    },
    ...options,
  });
}

let eventCounter = 0;

export function inboundMessage(chatUserId: string, text: string, eventId = `Ev${++eventCounter}`, mentionedUserIds?: string[]): InboundMessage {
  return {
    ...(mentionedUserIds ? { mentionedUserIds } : {}),
    eventId,
    conversation: { surface: 'console', channelId: `D_${chatUserId}`, threadId: `ts_${eventId}` },
    chatUserId,
    messageId: `ts_${eventId}`,
    text,
    receivedAt: new Date('2025-01-06T09:00:00.000Z'),
  };
}

export function inboundAction(chatUserId: string, actionId: InboundAction['actionId'], value: string): InboundAction {
  return {
    eventId: `Act${++eventCounter}`,
    conversation: { surface: 'console', channelId: `D_${chatUserId}` },
    chatUserId,
    actionId,
    value,
    receivedAt: new Date('2025-01-06T09:00:00.000Z'),
  };
}

const notPolling = (job: RecordedJob): boolean => job.name !== 'stepup.poll';

const WAITING_JOBS: ReadonlySet<string> = new Set(['stepup.poll', 'approval.stepup_poll', 'approval.remind', 'approval.expire', 'access.notice', 'access.expire']);

/** Jobs that run at once, not the ones that wait for time or a phone (polls, reminders, expiries). */
export const runsNow = (job: RecordedJob): boolean => !WAITING_JOBS.has(job.name);

/** Sends a message and runs the worker until the request waits for someone (push, click) or ends. */
export async function send(deps: TestCoreDeps, chatUserId: string, text: string, eventId?: string, mentionedUserIds?: string[]): Promise<string> {
  const message = inboundMessage(chatUserId, text, eventId, mentionedUserIds);
  await onInboundMessage(deps, message);
  // Poll jobs are left alone: a test decides what the push answers before they run.
  await drainQueue(deps, { only: notPolling });
  return requestIdForEvent(message.eventId);
}

/** Answers the last push and runs everything that follows. */
export async function answerPush(deps: TestCoreDeps, status: 'approved' | 'rejected' | 'timeout' | 'waiting'): Promise<void> {
  deps.stepUp.respondToLast(status);
  await drainQueue(deps);
}

export async function click(deps: TestCoreDeps, chatUserId: string, value: string): Promise<void> {
  await onInboundAction(deps, inboundAction(chatUserId, 'keyward.choose', value));
  await drainQueue(deps, { only: notPolling });
}

export function reveal(deps: TestCoreDeps, chatUserId: string, requestId: string): Promise<{ secret: string }> {
  return onRevealSecret(deps, inboundAction(chatUserId, 'keyward.reveal_secret', requestId));
}

export async function stored(deps: TestCoreDeps, requestId: string): Promise<ServiceRequest> {
  const request = await deps.store.get(requestId);
  if (!request) throw new Error(`no request ${requestId}`);
  return request;
}

export async function stateOf(deps: TestCoreDeps, requestId: string): Promise<RequestState> {
  return (await stored(deps, requestId)).state;
}

/** Texts the requester saw in the conversation, in order. */
export function postedTexts(deps: TestCoreDeps): string[] {
  return deps.chat.posts().map((p) => p.message.text);
}
