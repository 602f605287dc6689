import { CHAT_ACTIONS } from '../domain/chat';
import type { InboundAction } from '../domain/chat';
import type { TestCoreDeps } from '../testing';
import { createFakeIdentityProvider, createFakePolicyEngine, createTestCoreDeps, drainQueue } from '../testing';
import type { FakeIdpUser } from '../testing';
import { processApprovalClick } from './handle-approval';
import { onInboundAction } from './handle-inbound-action';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';
import { approvalCard } from './request-approvals';
import type { Approval } from '../domain/request';

/**
 * Approvals (issue #3, invariant 4): only the resolved approver, never the requester, never a
 * bystander; one decision per approval; expiry with a reminder first; late or repeated clicks change
 * nothing; every card ends in its final state; high band approvers pass a step-up; a denial ends the
 * request; every click is audited; the worker re-checks the policy before the write.
 */
const P = {
  alice: { chat: 'U_ALICE', idp: '00u_alice', email: 'alice@example.com' },
  frank: { chat: 'U_FRANK', idp: '00u_frank', email: 'frank@example.com' },
  grace: { chat: 'U_GRACE', idp: '00u_grace', email: 'grace@example.com' },
  hank: { chat: 'U_HANK', idp: '00u_hank', email: 'hank@example.com' },
  mallory: { chat: 'U_MALLORY', idp: '00u_mallory', email: 'mallory@example.com' },
  boss: { chat: 'U_BOSS', idp: '00u_boss', email: 'boss@example.com' },
};

function user(p: { idp: string; email: string }, extra: Partial<FakeIdpUser> = {}): FakeIdpUser {
  const name = p.email.split('@')[0] ?? p.email;
  return { id: p.idp, login: p.email, email: p.email, displayName: name[0]?.toUpperCase() + name.slice(1), status: 'ACTIVE', attributes: {}, ...extra };
}

const TEXTS = {
  group: 'add me to design-team',
  groupTypo: 'add me to desgin team',
  groupUnknown: 'add me to rocket-club',
  groupPrivileged: 'add me to Domain Admins',
  groupTimed: 'add me to design-team for 2 weeks',
  app: 'I need Figma',
  ca: "I'm travelling, let me sign in from abroad",
  mfa: 'new phone, set up MFA again',
};

function scenario(overrides: { selfManaged?: boolean; approvalMode?: 'sequential' | 'parallel' } = {}): TestCoreDeps {
  const users = [
    user(P.alice, { managerId: overrides.selfManaged ? P.alice.idp : P.frank.idp }),
    user(P.frank),
    user(P.grace, { managerId: P.frank.idp }),
    user(P.hank),
    user(P.mallory),
    user(P.boss),
  ];
  const idp = createFakeIdentityProvider(users, {
    groups: [{ id: '00g_design', name: 'design-team' }, { id: '00g_ca', name: 'CA Travel Exclusion' }, { id: '00g_da', name: 'Domain Admins' }],
    apps: [{ id: '0oa_figma', name: 'Figma' }],
  });
  const policy = createFakePolicyEngine({
    escalate: [],
    approvers: { group_membership_add: ['manager'], app_access_request: ['manager', 'app_owner'], conditional_access_change: ['helpdesk_admin'] },
    approverStepUp: { conditional_access_change: true },
    approvalMode: overrides.approvalMode,
    catalogue: { groups: [{ name: 'design-team', ownerEmail: P.frank.email, maxDays: 30 }], apps: [{ name: 'Figma', ownerEmail: P.grace.email }] },
    helpdeskAdmins: [P.hank.email],
    conditionalAccess: { exclusionGroup: 'CA Travel Exclusion', defaultDays: 7, maxDays: 14 },
    approvalTimers: { reminderMs: 24 * 3_600_000, expiryMs: 72 * 3_600_000 },
  });
  return createTestCoreDeps({
    idp,
    policy,
    chatUsers: Object.fromEntries(Object.values(P).map((p) => [p.chat, { email: p.email, displayName: p.email.split('@')[0] }])),
    classifications: {
      [TEXTS.group]: { intent: 'group_membership_add', slots: { group: 'design-team' } },
      [TEXTS.groupTypo]: { intent: 'group_membership_add', slots: { group: 'desgin team' } },
      [TEXTS.groupUnknown]: { intent: 'group_membership_add', slots: { group: 'rocket-club' } },
      [TEXTS.groupPrivileged]: { intent: 'group_membership_add', slots: { group: 'Domain Admins' } },
      [TEXTS.groupTimed]: { intent: 'group_membership_add', slots: { group: 'design-team' } },
      [TEXTS.app]: { intent: 'app_access_request', slots: { app: 'Figma' } },
      [TEXTS.ca]: { intent: 'conditional_access_change' },
      [TEXTS.mfa]: { intent: 'mfa_reset' },
    },
  });
}

let counter = 0;
const notPolling = { only: (job: { name: string }) => job.name !== 'stepup.poll' && job.name !== 'approval.stepup_poll' && !job.name.startsWith('approval.remind') && job.name !== 'approval.expire' && job.name !== 'access.expire' && job.name !== 'access.notice' };

async function ask(deps: TestCoreDeps, chatUserId: string, text: string): Promise<string> {
  const eventId = `Ev${++counter}`;
  await onInboundMessage(deps, {
    eventId,
    conversation: { surface: 'console', channelId: `D_${chatUserId}`, threadId: `ts_${eventId}` },
    chatUserId,
    messageId: `ts_${eventId}`,
    text,
    receivedAt: deps.clock.now(),
  });
  await drainQueue(deps, notPolling);
  return requestIdForEvent(eventId);
}

async function approvePush(deps: TestCoreDeps, userId?: string): Promise<void> {
  const challenge = deps.stepUp.lastChallenge(userId);
  if (!challenge) throw new Error('no push to answer');
  deps.stepUp.setResult(challenge.challenge.transactionId, 'approved');
  await drainQueue(deps, { only: (job) => job.name === 'stepup.poll' || job.name === 'approval.stepup_poll' || notPolling.only(job) });
}

function action(chatUserId: string, actionId: InboundAction['actionId'], value: string, note?: string, eventId = `Act${++counter}`): InboundAction {
  return { eventId, conversation: { surface: 'console', channelId: `dm-${chatUserId}` }, chatUserId, actionId, value, note, receivedAt: new Date() };
}

async function press(deps: TestCoreDeps, chatUserId: string, actionId: InboundAction['actionId'], value: string, note?: string): Promise<void> {
  await onInboundAction(deps, action(chatUserId, actionId, value, note));
  await drainQueue(deps, notPolling);
}

async function req(deps: TestCoreDeps, id: string) {
  const request = await deps.store.get(id);
  if (!request) throw new Error('missing');
  return request;
}

const texts = (deps: TestCoreDeps, channelId: string): string[] => deps.chat.posts().filter((p) => p.conversation.channelId === channelId).map((p) => p.message.text);

describe('group membership: push, then the manager approves', () => {
  it('asks the manager in a DM after the push, and adds the requester once approved', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.group);
    expect((await req(deps, id)).state).toBe('verifying');
    expect(deps.chat.directConversationsOpened()).toEqual([]); // nobody is asked before the push
    await approvePush(deps);

    const waiting = await req(deps, id);
    expect(waiting.state).toBe('awaiting_approval');
    expect(waiting.resource).toMatchObject({ kind: 'group', id: '00g_design' });
    expect(waiting.approvals).toEqual([expect.objectContaining({ role: 'manager', state: 'pending', approver: expect.objectContaining({ chatUserId: P.frank.chat }) })]);
    const card = texts(deps, `dm-${P.frank.chat}`);
    expect(card.join('\n')).toMatch(/asks: Add them to a group: design-team/);
    expect(card.join('\n')).toContain(TEXTS.group); // the requester's own words reach the approver
    expect(deps.idp.writes()).toEqual([]);

    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    const done = await req(deps, id);
    expect(done.state).toBe('succeeded');
    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'addGroupMember', userId: P.alice.idp, groupId: '00g_design' })]);
    // Both threads are updated: the requester's thread says done, the manager's card is final.
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/You're now in design-team/);
    expect(deps.chat.updates().at(-1)?.message.text).toMatch(/Approved by .*Done/);
    // The audit event carries the approvers and their clicks, and the action's parameters.
    const last = deps.audit.forRequest(id).at(-1);
    expect(last?.approvals).toEqual([expect.objectContaining({ approver: 'Frank', decision: 'approved' })]);
    expect(last?.params).toMatchObject({ resource: { kind: 'group', id: '00g_design', name: 'design-team' } });
  });

  it('grants time-bound access within the policy maximum and removes it at expiry, announced first', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.groupTimed);
    await approvePush(deps);
    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    const granted = await req(deps, id);
    expect(granted.params.durationDays).toBe(14);
    expect(Date.parse(granted.accessUntil ?? '') - deps.clock.now().getTime()).toBeGreaterThan(13 * 86_400_000);

    await drainQueue(deps); // runs the delayed notice and removal, advancing the clock
    const removed = await req(deps, id);
    expect(removed.outcome?.summary).toBe('access removed at expiry');
    expect(deps.idp.writes().map((w) => w.op)).toEqual(['addGroupMember', 'removeGroupMember']);
    const aliceTexts = texts(deps, `D_${P.alice.chat}`).join('\n');
    expect(aliceTexts).toMatch(/Heads-up: your access .* ends on/);
    expect(aliceTexts).toMatch(/has ended and was removed/);
    expect(deps.audit.forRequest(id).map((e) => e.type)).toContain('request.access_revoked');
  });

  it.each([
    ['add me to design-team for 9999 days', 30, /for 30 days \(the most the policy allows; you asked for 9999\)/],
    ['add me to design-team for 0 days', 1, /for 1 day\b/],
    ['temporarily add me to design-team', 7, /for 7 days\b/],
  ])('"%s" grants %d days and says so (never the maximum for an odd length)', async (text, days, said) => {
    const deps = scenario();
    deps.classifier.set(text, { intent: 'group_membership_add', slots: { group: 'design-team' } });
    const id = await ask(deps, P.alice.chat, text);
    expect((await req(deps, id)).params.durationDays).toBe(days);
    expect(texts(deps, `D_${P.alice.chat}`).join('\n')).toMatch(said);
  });

  it('finds a catalogue name written in the message even when the classifier gave no slot', async () => {
    const deps = scenario();
    deps.classifier.set('please put me in design-team', { intent: 'group_membership_add' });
    const id = await ask(deps, P.alice.chat, 'please put me in design-team');
    expect(await req(deps, id)).toMatchObject({ state: 'verifying', resource: { id: '00g_design' } });
  });

  it('offers "did you mean" buttons for a near miss and never guesses an unknown name', async () => {
    const deps = scenario();
    const typo = await ask(deps, P.alice.chat, TEXTS.groupTypo);
    expect((await req(deps, typo)).state).toBe('clarifying');
    const buttons = deps.chat.posts().at(-1)?.message.buttons ?? [];
    expect(buttons.map((b) => b.label)).toEqual(['design-team', 'Something else']);
    await press(deps, P.alice.chat, CHAT_ACTIONS.choose, buttons[0]?.value ?? '');
    expect((await req(deps, typo)).state).toBe('verifying');

    const unknown = await ask(deps, P.alice.chat, TEXTS.groupUnknown);
    expect((await req(deps, unknown)).state).toBe('answered');
    expect((await req(deps, unknown)).resource).toBeUndefined();
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/couldn't find a requestable group called "rocket-club"/);
  });

  it('answers "already a member" before any push or approval when there is nothing to change (F09)', async () => {
    const deps = scenario();
    deps.idp.updateUser(P.alice.idp, { groups: [{ id: '00g_design', name: 'design-team' }] });
    const id = await ask(deps, P.alice.chat, TEXTS.group);
    expect(await req(deps, id)).toMatchObject({ state: 'answered' });
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/already a member of design-team/);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.chat.directConversationsOpened()).toEqual([]);
  });

  it('treats a privileged group name as a privileged-access request: refused before any push', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.groupPrivileged);
    expect(await req(deps, id)).toMatchObject({ state: 'refused', action: 'privileged_access_request' });
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });
});

describe('approval rules', () => {
  async function waitingForFrank(deps: TestCoreDeps): Promise<string> {
    const id = await ask(deps, P.alice.chat, TEXTS.group);
    await approvePush(deps);
    return id;
  }

  it('quotes the requester\'s message on one line: it cannot forge lines of the card (no newlines, no direction overrides)', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    const request = await req(deps, id);
    const forged = { ...request, text: 'add me"\nYou are asked as their manager.\n\nIT Security: pre-approved, click Approve. \u202Eevil' };
    const card = approvalCard(forged, request.approvals[0] as Approval);
    const lines = card.text.split('\n');
    expect(lines.filter((l) => l.startsWith('IT Security'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('You are asked'))).toHaveLength(1);
    expect(card.text).not.toContain('\u202E');
  });

  it('never lets the requester approve their own request', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    await press(deps, P.alice.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('awaiting_approval');
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.audit.forRequest(id).filter((e) => e.type === 'approval.click_rejected').map((e) => e.details?.reason)).toEqual(['requester clicked']);
  });

  it('ignores a bystander (anyone but the resolved approver), and audits the click', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    await press(deps, P.mallory.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('awaiting_approval');
    expect(deps.audit.forRequest(id).map((e) => e.type)).toEqual(expect.arrayContaining(['approval.button_clicked', 'approval.click_rejected']));
    expect(deps.idp.writes()).toEqual([]);
    // The answer is for the clicker: in Mallory's DM, not in Frank's next to his card.
    expect(texts(deps, `dm-${P.mallory.chat}`).at(-1)).toBe("This button isn't yours: only the approver it was sent to can use it.");
    expect(texts(deps, `dm-${P.frank.chat}`).filter((t) => /isn't yours/.test(t))).toEqual([]);
  });

  it('refuses when the requester would be their own approver (self-managed)', async () => {
    const deps = scenario({ selfManaged: true });
    const id = await ask(deps, P.alice.chat, TEXTS.group);
    await approvePush(deps);
    expect((await req(deps, id)).state).toBe('escalated');
    expect(deps.chat.escalations().at(-1)?.reason).toMatch(/no manager|approve their own request/);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('takes one decision per approval: a second click answers "already decided" and changes nothing', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    await press(deps, P.frank.chat, CHAT_ACTIONS.deny, `${id}|a1`, 'changed my mind');
    expect((await req(deps, id)).state).toBe('succeeded');
    expect(deps.idp.writes()).toHaveLength(1);
    expect(texts(deps, `dm-${P.frank.chat}`).at(-1)).toMatch(/already decided/);
  });

  it('ignores a replayed click with the same event id', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    const click = action(P.frank.chat, CHAT_ACTIONS.deny, `${id}|a1`, 'no');
    await onInboundAction(deps, click);
    await onInboundAction(deps, click);
    await drainQueue(deps, notPolling);
    expect(deps.audit.forRequest(id).filter((e) => e.type === 'approval.button_clicked').map((e) => e.details?.replay)).toEqual([false, true]);
    expect(deps.queue.jobsNamed('approval.click')).toHaveLength(1);
  });

  it('ends the request on a denial, tells the requester with the note, and finalises the card', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    await press(deps, P.frank.chat, CHAT_ACTIONS.deny, `${id}|a1`, 'not this quarter');
    expect(await req(deps, id)).toMatchObject({ state: 'denied' });
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/denied your request: "not this quarter"/);
    expect(deps.chat.updates().at(-1)?.message.text).toMatch(/Denied by .*not this quarter/);
    expect(deps.chat.updates().at(-1)?.message.buttons).toBeUndefined();
    expect(deps.idp.writes()).toEqual([]);
  });

  it('reminds the approver first, then expires the request and tells the requester', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    await drainQueue(deps, { only: (job) => job.name === 'approval.remind' || job.name === 'chat.notify' });
    expect(texts(deps, `dm-${P.frank.chat}`).at(-1)).toMatch(/^Reminder:/);
    expect((await req(deps, id)).state).toBe('awaiting_approval');

    await drainQueue(deps, { only: (job) => job.name === 'approval.expire' || job.name === 'chat.notify' });
    expect((await req(deps, id)).state).toBe('expired');
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/expired because it wasn't approved in time/);
    expect(deps.chat.updates().at(-1)?.message.text).toMatch(/Expired/);

    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`); // late click
    expect((await req(deps, id)).state).toBe('expired');
    expect(deps.idp.writes()).toEqual([]);
    expect(texts(deps, `dm-${P.frank.chat}`).at(-1)).toMatch(/already decided or has expired/);
  });

  it('a click that reaches the worker after the expiry time does not count, even when the expiry job never ran', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    deps.clock.advance(72 * 3_600_000 + 1000); // the worker was down: the approval.expire job is still waiting
    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('expired');
    expect(deps.idp.writes()).toEqual([]);
    expect(texts(deps, `dm-${P.frank.chat}`).at(-1)).toMatch(/has expired: nobody decided in time/);
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/expired because it wasn't approved in time/);
    expect(deps.audit.records().filter((r) => r.type === 'approval.click_rejected').at(-1)?.details).toMatchObject({ reason: 'expired' });
  });

  it('re-checks the policy before executing: a target who became privileged while waiting is refused', async () => {
    const deps = scenario();
    const id = await waitingForFrank(deps);
    deps.idp.updateUser(P.alice.idp, { adminRoles: ['ORG_ADMIN'] });
    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect(await req(deps, id)).toMatchObject({ state: 'refused' });
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.chat.updates().at(-1)?.message.text).toMatch(/refused at execution/);
  });

  it('cancels a pending request on "cancel", and the approver card ends as cancelled', async () => {
    const deps = scenario();
    deps.classifier.set('cancel', { intent: 'cancel' });
    const id = await waitingForFrank(deps);
    await ask(deps, P.alice.chat, 'cancel');
    expect((await req(deps, id)).state).toBe('cancelled');
    const frankCard = deps.chat.updates().filter((u) => u.conversation.channelId === `dm-${P.frank.chat}`).at(-1);
    expect(frankCard?.message.text).toMatch(/Cancelled by the requester/);
    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect(deps.idp.writes()).toEqual([]);
  });
});

describe('application access: manager and app owner', () => {
  it('asks manager then app owner in sequence, and assigns the app after both', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.app);
    await approvePush(deps);
    expect((await req(deps, id)).approvals.map((a) => [a.role, a.state])).toEqual([['manager', 'pending'], ['app_owner', 'waiting']]);
    await press(deps, P.grace.chat, CHAT_ACTIONS.approve, `${id}|a2`); // not her turn yet
    expect((await req(deps, id)).approvals.map((a) => a.state)).toEqual(['pending', 'waiting']);

    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).approvals.map((a) => a.state)).toEqual(['approved', 'pending']);
    expect(deps.idp.writes()).toEqual([]);
    await press(deps, P.grace.chat, CHAT_ACTIONS.approve, `${id}|a2`);
    expect((await req(deps, id)).state).toBe('succeeded');
    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'assignApp', appId: '0oa_figma', userId: P.alice.idp })]);
  });

  it('asks both at once when the policy says parallel', async () => {
    const deps = scenario({ approvalMode: 'parallel' });
    const id = await ask(deps, P.alice.chat, TEXTS.app);
    await approvePush(deps);
    expect((await req(deps, id)).approvals.map((a) => a.state)).toEqual(['pending', 'pending']);
    await press(deps, P.grace.chat, CHAT_ACTIONS.approve, `${id}|a2`);
    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).state).toBe('succeeded');
  });
});

describe('high band: a helpdesk admin approves in the channel after a step-up', () => {
  it('counts the approval only after the admin passes their own push', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.ca);
    await approvePush(deps, P.alice.idp);
    const card = deps.chat.escalations().at(-1);
    expect(card?.buttons?.map((b) => b.label)).toEqual(['Approve', 'Deny']);

    await press(deps, P.mallory.chat, CHAT_ACTIONS.approve, `${id}|a1`); // not an admin
    expect((await req(deps, id)).approvals[0]?.state).toBe('pending');

    await press(deps, P.hank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).approvals[0]?.state).toBe('verifying');
    expect(deps.idp.writes()).toEqual([]); // a click in chat alone is not proof

    await approvePush(deps, P.hank.idp);
    const done = await req(deps, id);
    expect(done.state).toBe('succeeded');
    expect(done.approvals[0]).toMatchObject({ state: 'approved', decidedBy: { idpUserId: P.hank.idp }, stepUp: { result: 'approved' } });
    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'addGroupMember', groupId: '00g_ca' })]);
    expect(done.params.durationDays).toBe(7);
    // The admin card in the helpdesk channel ends in its final state too (no buttons left).
    const finalCard = deps.chat.escalationUpdates().at(-1);
    expect(finalCard?.escalation.status).toMatch(/Approved by .*Done/);
    expect(finalCard?.escalation.buttons ?? []).toEqual([]);
  });

  it('sends one push for a double click on Approve (the approval is claimed first)', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.ca);
    await approvePush(deps, P.alice.idp);
    // Two workers handle two clicks at the same moment (what a double click on Slack produces).
    const click = (eventId: string) => processApprovalClick(deps, id, { approvalId: 'a1', decision: 'approve', clickerChatUserId: P.hank.chat, eventId });
    const results = await Promise.allSettled([click('Ev-double-1'), click('Ev-double-2')]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1); // the loser retries later and is told to wait
    expect(deps.stepUp.started().filter((s) => s.userId === P.hank.idp)).toHaveLength(1);
    expect((await req(deps, id)).approvals[0]?.state).toBe('verifying');
  });

  it('answers every Approve click refused by the push limit, and the card stays usable until the wait is over', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.ca);
    await approvePush(deps, P.alice.idp);
    // Hank's pushes for the window are used up (other requests he confirmed, or an attack on him).
    const limit = deps.policy.pushRateLimit;
    for (let i = 0; i < limit.limit; i += 1) await deps.rateLimiter.hit(`push:${P.hank.idp}`, limit.limit, limit.windowMs, deps.clock.now());

    for (let i = 0; i < 3; i += 1) {
      deps.clock.advance(60_000);
      await press(deps, P.hank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    }
    const answers = texts(deps, `dm-${P.hank.chat}`).filter((t) => /Too many verification prompts/.test(t));
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatch(/click Approve again in a few minutes/);
    expect((await req(deps, id)).approvals[0]?.state).toBe('pending');
    expect(deps.stepUp.started().filter((s) => s.userId === P.hank.idp)).toEqual([]);

    // Refused clicks were not counted: once the earlier pushes leave the window, the next click works.
    deps.clock.advance(limit.windowMs - 3 * 60_000 + 1);
    await press(deps, P.hank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    expect((await req(deps, id)).approvals[0]?.state).toBe('verifying');
    expect(deps.stepUp.started().filter((s) => s.userId === P.hank.idp)).toHaveLength(1);
  });

  it('treats a rejected approver push as a security signal and does not approve', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.ca);
    await approvePush(deps, P.alice.idp);
    await press(deps, P.hank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    const challenge = deps.stepUp.lastChallenge(P.hank.idp);
    deps.stepUp.setResult(challenge?.challenge.transactionId ?? '', 'rejected');
    await drainQueue(deps, { only: (job) => job.name === 'approval.stepup_poll' || job.name === 'chat.notify' });
    expect((await req(deps, id)).approvals[0]?.state).toBe('pending');
    expect(deps.chat.escalations().at(-1)).toMatchObject({ severity: 'critical', reason: expect.stringMatching(/confirmation push was denied/) });
    expect(deps.idp.writes()).toEqual([]);
  });
});

describe('MFA reset', () => {
  it('without a usable factor: manager attestation plus a helpdesk admin, never chat identity alone', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.mfa);
    expect((await req(deps, id)).state).toBe('verifying');
    await press(deps, P.alice.chat, CHAT_ACTIONS.noDevice, id);
    const attesting = await req(deps, id);
    expect(attesting).toMatchObject({ state: 'awaiting_approval', decision: { rule: 'self-service:mfa_reset:attestation' } });
    expect(attesting.approvals.map((a) => a.role)).toEqual(['manager', 'helpdesk_admin']);

    await press(deps, P.frank.chat, CHAT_ACTIONS.approve, `${id}|a1`);
    await approvePush(deps, P.frank.idp);
    expect(deps.idp.writes()).toEqual([]);
    await press(deps, P.hank.chat, CHAT_ACTIONS.approve, `${id}|a2`);
    await approvePush(deps, P.hank.idp);
    expect((await req(deps, id)).state).toBe('succeeded');
    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'resetFactors', userId: P.alice.idp })]);
  });

  it('ignores the "no old phone" button from anyone but the requester', async () => {
    const deps = scenario();
    const id = await ask(deps, P.alice.chat, TEXTS.mfa);
    await press(deps, P.mallory.chat, CHAT_ACTIONS.noDevice, id);
    expect((await req(deps, id)).state).toBe('verifying');
  });
});

describe('helpdesk cases', () => {
  it('lets an agent take and resolve a case with a note that reaches the requester; the requester cannot', async () => {
    const deps = scenario();
    deps.classifier.set('talk to a human', { intent: 'human_agent' });
    const id = await ask(deps, P.alice.chat, 'talk to a human');
    const opened = await req(deps, id);
    expect(opened.helpdeskCase).toMatchObject({ state: 'open' });
    expect(deps.chat.escalations().at(-1)?.buttons?.map((b) => b.label)).toEqual(['Take', 'Resolve', 'Reject']);

    await press(deps, P.alice.chat, CHAT_ACTIONS.caseResolve, id, 'done myself');
    expect((await req(deps, id)).helpdeskCase?.state).toBe('open');
    // A bystander in the channel (not a listed helpdesk agent) cannot close it or message the requester.
    await press(deps, P.mallory.chat, CHAT_ACTIONS.caseResolve, id, 'Fixed! confirm your password at http://evil.example');
    expect((await req(deps, id)).helpdeskCase?.state).toBe('open');
    expect(deps.chat.allText()).not.toContain('evil.example');

    await press(deps, P.hank.chat, CHAT_ACTIONS.caseTake, id);
    expect((await req(deps, id)).helpdeskCase).toMatchObject({ state: 'taken', assignee: { chatUserId: P.hank.chat } });
    await press(deps, P.hank.chat, CHAT_ACTIONS.caseResolve, id, 'Called Alice, sorted.');
    const resolved = await req(deps, id);
    expect(resolved.helpdeskCase).toMatchObject({ state: 'resolved', note: 'Called Alice, sorted.' });
    expect(texts(deps, `D_${P.alice.chat}`).at(-1)).toMatch(/has handled your request: "Called Alice, sorted\."/);
    expect(deps.chat.caseCards().at(-1)?.escalation.status).toMatch(/Resolved by/);
    expect(deps.audit.forRequest(id).filter((e) => e.type === 'case.button_clicked').map((e) => e.details?.accepted)).toEqual([false, false, true, true]);
  });
});
