import { CHAT_ACTIONS } from '../domain/chat';
import type { InboundAction, SurfaceName } from '../domain/chat';
import type { TestCoreDeps } from '../testing';
import { createFakeIdentityProvider, createFakePolicyEngine, createTestCoreDeps, drainQueue } from '../testing';
import type { FakeIdpUser, RecordingChatSurfaceOptions } from '../testing';
import { onInboundAction } from './handle-inbound-action';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';

/**
 * Approvers on Teams + Entra ID: the approver's IdP user id is their Entra object id, which is their
 * Teams user id, so they are reached by that id — not by email among the helpdesk team's members.
 * Every other rule of invariant 4 still holds, and an approver the bot can never reach (the app is
 * not installed for them) ends the request visibly instead of leaving it to expire unseen.
 */
const P = {
  alice: { id: 'aaaaaaaa-1111-4111-8111-111111111111', email: 'alice@contoso.test', name: 'Alice Ng' },
  // Frank has no mailbox (Graph `mail` null): there is no email to look him up by in chat.
  frank: { id: 'ffffffff-2222-4222-8222-222222222222', name: 'Frank Osei' },
  grace: { id: '99999999-3333-4333-8333-333333333333', email: 'grace@contoso.test', name: 'Grace Owner' },
  mallory: { id: '77777777-4444-4444-8444-444444444444', email: 'mallory@contoso.test', name: 'Mallory' },
};

const TEXTS = { group: 'add me to design-team', app: 'I need Figma' };

function user(p: { id: string; email?: string; name: string }, extra: Partial<FakeIdpUser> = {}): FakeIdpUser {
  return { id: p.id, login: p.email ?? `${p.name.split(' ')[0]?.toLowerCase()}@contoso.test`, ...(p.email ? { email: p.email } : {}), displayName: p.name, status: 'ACTIVE', attributes: {}, ...extra };
}

interface Options {
  idp?: 'entra' | 'okta';
  surface?: SurfaceName;
  chat?: RecordingChatSurfaceOptions;
  /** The requester owns the app they ask for (they would approve their own request as its owner). */
  selfOwned?: boolean;
}

function scenario(options: Options = {}): TestCoreDeps {
  const idp = createFakeIdentityProvider(
    [user(P.alice, { managerId: P.frank.id }), user(P.frank), user(P.grace), user(P.mallory)],
    { name: options.idp ?? 'entra', groups: [{ id: 'g-design', name: 'design-team' }], apps: [{ id: 'app-figma', name: 'Figma' }] },
  );
  const policy = createFakePolicyEngine({
    escalate: [],
    approvers: { group_membership_add: ['manager'], app_access_request: ['manager', 'app_owner'] },
    catalogue: { groups: [{ name: 'design-team' }], apps: [{ name: 'Figma', ownerEmail: options.selfOwned ? P.alice.email : P.grace.email }] },
    approvalTimers: { reminderMs: 24 * 3_600_000, expiryMs: 72 * 3_600_000 },
  });
  // Chat users are keyed by their Entra object id, as on Teams. Only Alice's chat profile has an
  // email: the others are outside the helpdesk team, so findUserByEmail finds nobody for them.
  const chatUsers = {
    [P.alice.id]: { email: P.alice.email, displayName: P.alice.name, entraObjectId: P.alice.id },
    [P.frank.id]: { displayName: P.frank.name, entraObjectId: P.frank.id },
    [P.grace.id]: { displayName: P.grace.name, entraObjectId: P.grace.id },
    [P.mallory.id]: { displayName: P.mallory.name, entraObjectId: P.mallory.id },
  };
  return createTestCoreDeps({
    idp,
    policy,
    surface: options.surface ?? 'teams',
    chatUsers,
    chatOptions: options.chat ?? { directoryObjectIds: true },
    classifications: {
      [TEXTS.group]: { intent: 'group_membership_add', slots: { group: 'design-team' } },
      [TEXTS.app]: { intent: 'app_access_request', slots: { app: 'Figma' } },
    },
  });
}

let counter = 0;
const notTimers = (job: { name: string }): boolean => !['stepup.poll', 'approval.stepup_poll', 'approval.remind', 'approval.expire', 'access.expire', 'access.notice'].includes(job.name);

async function ask(deps: TestCoreDeps, chatUserId: string, text: string): Promise<string> {
  const eventId = `Ev-entra-${++counter}`;
  await onInboundMessage(deps, {
    eventId,
    conversation: { surface: deps.chat.surface, channelId: `D_${chatUserId}`, threadId: `ts_${eventId}` },
    chatUserId,
    messageId: `ts_${eventId}`,
    text,
    receivedAt: deps.clock.now(),
  });
  await drainQueue(deps, { only: notTimers });
  return requestIdForEvent(eventId);
}

async function approvePush(deps: TestCoreDeps): Promise<void> {
  const challenge = deps.stepUp.lastChallenge();
  if (!challenge) throw new Error('no push to answer');
  deps.stepUp.setResult(challenge.challenge.transactionId, 'approved');
  await drainQueue(deps, { only: (job) => job.name === 'stepup.poll' || notTimers(job) });
}

async function press(deps: TestCoreDeps, chatUserId: string, actionId: InboundAction['actionId'], value: string): Promise<void> {
  await onInboundAction(deps, { eventId: `Act-entra-${++counter}`, conversation: { surface: deps.chat.surface, channelId: `dm-${chatUserId}` }, chatUserId, actionId, value, receivedAt: deps.clock.now() });
  await drainQueue(deps, { only: notTimers });
}

async function req(deps: TestCoreDeps, id: string) {
  const request = await deps.store.get(id);
  if (!request) throw new Error(`no request ${id}`);
  return request;
}

const texts = (deps: TestCoreDeps, channelId: string): string[] => deps.chat.posts().filter((p) => p.conversation.channelId === channelId).map((p) => p.message.text);

describe('Teams + Entra ID: approvers are reached by their Entra object id', () => {
  it('asks a manager who has no email and is outside the helpdesk team, in a DM, and writes once after the approval', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);

    const waiting = await req(deps, id);
    expect(waiting.state).toBe('awaiting_approval');
    expect(waiting.approvals).toEqual([expect.objectContaining({ role: 'manager', state: 'pending', approver: { idpUserId: P.frank.id, chatUserId: P.frank.id, displayName: P.frank.name } })]);
    expect(deps.chat.directoryLookups()).toEqual([P.frank.id]);
    expect(deps.chat.emailLookups()).toEqual([]);
    expect(texts(deps, `dm-${P.frank.id}`).join('\n')).toMatch(/Alice Ng asks: Add them to a group: design-team/);

    await press(deps, P.frank.id, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('succeeded');
    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'addGroupMember', userId: P.alice.id, groupId: 'g-design' })]);
  });

  it('reaches a catalogue owner the same way (the owner email finds the IdP user; the object id finds the chat user)', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.id, TEXTS.app);
    await approvePush(deps);
    expect((await req(deps, id)).approvals.map((a) => [a.role, a.approver?.chatUserId])).toEqual([['manager', P.frank.id], ['app_owner', P.grace.id]]);
    expect(deps.chat.directoryLookups()).toEqual([P.frank.id, P.grace.id]);
    expect(deps.chat.emailLookups()).toEqual([]);
  });

  it('keeps the email path with Okta as the IdP, even on a surface that knows object ids (Teams + Okta: unreachable → escalated)', async () => {
    const deps = scenario({ idp: 'okta' });
    deps.idp.updateUser(P.frank.id, { email: 'frank@contoso.test' });
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);
    expect(deps.chat.directoryLookups()).toEqual([]);
    expect(deps.chat.emailLookups()).toEqual(['frank@contoso.test']);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.chat.escalations().at(-1)?.reason).toBe('No approver: the manager (frank@contoso.test) is not reachable in chat');
    expect(deps.idp.writes()).toEqual([]);
  });

  it('keeps the email path on a surface without object ids (Slack + Entra ID)', async () => {
    const deps = scenario({ surface: 'slack', chat: {} });
    deps.idp.updateUser(P.frank.id, { email: 'frank@contoso.test' });
    deps.chat.setUser(P.frank.id, { email: 'frank@contoso.test', displayName: P.frank.name });
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);
    expect(deps.chat.emailLookups()).toEqual(['frank@contoso.test']);
    expect((await req(deps, id)).approvals[0]?.approver?.chatUserId).toBe(P.frank.id);
  });

  it('still refuses a requester who would approve their own request', async () => {
    const deps = scenario({ selfOwned: true });
    const id = await ask(deps, P.alice.id, TEXTS.app);
    await approvePush(deps);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.chat.escalations().at(-1)?.reason).toBe('No approver: the requester would approve their own request as app owner');
    expect(deps.chat.directConversationsOpened()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('escalates, naming the approver, when the surface cannot map the object id to a chat user', async () => {
    const deps = scenario();
    deps.chat.findUserByDirectoryObjectId = async () => undefined;
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.chat.escalations().at(-1)?.reason).toBe(`No approver: the manager (Frank Osei, Entra object id ${P.frank.id}) is not reachable in chat`);
  });

  it('never sends the card to a manager who is a B2B guest (another organisation\'s account)', async () => {
    const deps = scenario();
    deps.idp.updateUser(P.frank.id, { attributes: { userType: 'Guest' } });
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.chat.escalations().at(-1)?.reason).toBe(`No approver: the manager (Frank Osei, Entra object id ${P.frank.id}) is a guest account and cannot approve`);
    expect(deps.chat.directConversationsOpened()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('only lets the resolved approver decide: a bystander and the requester are refused', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);
    await press(deps, P.mallory.id, CHAT_ACTIONS.approve, `${id}|a1`);
    await press(deps, P.alice.id, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('awaiting_approval');
    expect(deps.idp.writes()).toEqual([]);
  });
});

describe('an approver the bot can never reach in chat (Teams: the app is not installed for them)', () => {
  it('ends the request visibly: requester told, helpdesk case naming the approver and the reason, no write, nothing left waiting', async () => {
    const deps = scenario({ chat: { directoryObjectIds: true, unreachable: [P.frank.id] } });
    const id = await ask(deps, P.alice.id, TEXTS.group);
    await approvePush(deps);

    const ended = await req(deps, id);
    expect(ended.state).toBe('escalated');
    expect(ended.approvals.map((a) => a.state)).toEqual(['cancelled']);
    expect(ended.outcome?.summary).toMatch(/Frank Osei \(manager\).*the Keyward app is not installed for them in Teams/);
    expect(deps.chat.directConversationsOpened()).toEqual([P.frank.id]);

    expect(texts(deps, `D_${P.alice.id}`).at(-1)).toBe(
      "I couldn't ask Frank Osei (manager) to approve this: the Keyward app is not installed for them in Teams. I've passed your request to the helpdesk; nothing was changed.",
    );
    const escalation = deps.chat.escalations().at(-1);
    expect(escalation?.reason).toBe('Approval could not be requested from Frank Osei (manager): the Keyward app is not installed for them in Teams. A person needs to look at this request.');
    expect(escalation?.facts).toMatchObject({ Approver: 'Frank Osei', 'Approver chat user': `teams:${P.frank.id}` });
    expect((await req(deps, id)).helpdeskCase).toMatchObject({ state: 'open' });

    // The reminder and the expiry find nothing to do; a late click changes nothing.
    const postsBefore = deps.chat.posts().length;
    await drainQueue(deps);
    expect(deps.chat.posts().slice(postsBefore).map((p) => p.message.text)).toEqual([]);
    await press(deps, P.frank.id, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.audit.forRequest(id).map((e) => e.type)).toContain('request.escalated');
  });

  it('finalises a card already posted to the other approver when the second cannot be reached (parallel)', async () => {
    const deps = scenario({ chat: { directoryObjectIds: true, unreachable: [P.grace.id] } });
    deps.policy = createFakePolicyEngine({
      escalate: [],
      approvers: { app_access_request: ['manager', 'app_owner'] },
      approvalMode: 'parallel',
      catalogue: { groups: [], apps: [{ name: 'Figma', ownerEmail: P.grace.email }] },
    });
    const id = await ask(deps, P.alice.id, TEXTS.app);
    await approvePush(deps);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.chat.escalations().at(-1)?.reason).toMatch(/Grace Owner \(app owner\): the Keyward app is not installed/);
    // Frank's card (posted first) ends in its final state, without buttons.
    const frankCard = deps.chat.updates().find((u) => u.conversation.channelId === `dm-${P.frank.id}`);
    expect(frankCard?.message.text).toMatch(/Passed to the helpdesk: Grace Owner \(app owner\) could not be asked/);
    expect(frankCard?.message.buttons).toBeUndefined();
  });
});
