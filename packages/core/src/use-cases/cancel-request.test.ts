import { createFakePolicyEngine, drainQueue } from '../testing';
import type { FakePolicyOptions, TestCoreDeps } from '../testing';
import { PEOPLE, TEXT, createScenario, inboundMessage, runsNow, send, stateOf, stored } from '../testing/core-scenario';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';

function scenario(policy: FakePolicyOptions = {}): TestCoreDeps {
  const deps = createScenario({
    policy: createFakePolicyEngine({ escalate: [], catalogue: { groups: [{ name: 'design-team', ownerEmail: 'frank@example.com', maxDays: 30 }], apps: [] }, ...policy }),
    classifications: {
      [TEXT.addGroup]: { intent: 'group_membership_add', slots: { group: 'design-team' } },
      'add me to design-team for 2 weeks': { intent: 'group_membership_add', slots: { group: 'design-team' } },
      [TEXT.reset]: { intent: 'password_reset' },
      cancel: { intent: 'cancel' },
      'status?': { intent: 'status' },
      [TEXT.vague]: { intent: 'password_reset', confidence: 0.4, alternatives: [{ intent: 'account_unlock', confidence: 0.3 }] },
      "reset bob's password": { intent: 'password_reset', slots: { target: 'bob' } },
      'reset this password please': { intent: 'password_reset' },
    },
  });
  deps.idp.addGroup({ id: '00g_design', name: 'design-team' });
  return deps;
}

/** A message written in the thread of an earlier request (Slack thread_ts = that request's ts). */
async function replyInThread(deps: TestCoreDeps, requestId: string, text: string, eventId: string): Promise<string> {
  const thread = (await stored(deps, requestId)).conversation;
  await onInboundMessage(deps, { eventId, conversation: { ...thread }, chatUserId: PEOPLE.alice.chat, messageId: `ts_${eventId}`, text, receivedAt: deps.clock.now() });
  await drainQueue(deps, { only: (job) => job.name !== 'stepup.poll' });
  return requestIdForEvent(eventId);
}

const postsIn = (deps: TestCoreDeps, threadId: string | undefined): string[] => deps.chat.posts().filter((p) => p.conversation.threadId === threadId).map((p) => p.message.text);

describe('naming the request: push prompt, status list and cancel', () => {
  it('names the group and the duration in the push prompt and on the phone', async () => {
    const deps = scenario();
    const id = await send(deps, PEOPLE.alice.chat, 'add me to design-team for 2 weeks');
    expect(await stateOf(deps, id)).toBe('verifying');
    const number = deps.stepUp.lastChallenge()?.challenge.numberChallenge;
    expect(deps.chat.posts().at(-1)?.message.text).toBe(`Add you to design-team for 14 days: I sent a push to Okta Verify on your phone. Tap ${number} to approve.`);
    expect(deps.stepUp.lastChallenge()?.context.actionLabel).toBe('Add you to design-team for 14 days');
  });

  it('names the group in the status list', async () => {
    const deps = scenario();
    await send(deps, PEOPLE.alice.chat, TEXT.addGroup);
    await send(deps, PEOPLE.alice.chat, 'status?');
    expect(deps.chat.posts().at(-1)?.message.text).toMatch(/^Your recent requests:\n• Add you to design-team for 30 days — waiting for your Okta Verify approval/);
  });

  it('answers a cancel sent as a new message once, where it was typed, and closes the push prompt in place', async () => {
    const deps = scenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.addGroup);
    const originalThread = (await stored(deps, id)).conversation.threadId;
    const before = postsIn(deps, originalThread);
    const prompt = deps.chat.posts().find((p) => p.message.emphasis !== undefined);
    const cancel = await send(deps, PEOPLE.alice.chat, 'cancel');

    expect(await stateOf(deps, id)).toBe('cancelled');
    const cancelThread = (await stored(deps, cancel)).conversation.threadId;
    expect(postsIn(deps, cancelThread)).toEqual(['Cancelled your request to join design-team for 30 days. Nothing was changed.']);
    // No second message in the cancelled request's thread: its push prompt is updated instead.
    expect(postsIn(deps, originalThread)).toEqual(before);
    expect(deps.chat.updates()).toEqual([
      { messageId: prompt?.messageId, conversation: prompt?.conversation, message: { text: 'Add you to design-team for 30 days: cancelled; the push is no longer needed.', tone: 'info' } },
    ]);
  });

  it('updates the "needs approval" message of a request cancelled while it waited for its approver, with no second reply', async () => {
    const deps = scenario({ approvers: { group_membership_add: ['manager'] } });
    deps.idp.setManager(PEOPLE.alice.idp, PEOPLE.bob.idp);
    const id = await send(deps, PEOPLE.alice.chat, TEXT.addGroup);
    deps.stepUp.respondToLast('approved');
    await drainQueue(deps, { only: (job) => runsNow(job) || job.name === 'stepup.poll' });
    expect(await stateOf(deps, id)).toBe('awaiting_approval');
    const originalThread = (await stored(deps, id)).conversation.threadId;
    const waiting = deps.chat.posts().find((p) => /now needs approval from/.test(p.message.text));
    const before = postsIn(deps, originalThread);

    // Sent while the approval's reminder and expiry still wait (send() would run them first).
    const message = inboundMessage(PEOPLE.alice.chat, 'cancel');
    await onInboundMessage(deps, message);
    await drainQueue(deps, { only: runsNow });
    const cancel = requestIdForEvent(message.eventId);
    expect(await stateOf(deps, id)).toBe('cancelled');
    expect(postsIn(deps, (await stored(deps, cancel)).conversation.threadId)).toEqual(['Cancelled your request to join design-team for 30 days. Nothing was changed.']);
    expect(postsIn(deps, originalThread)).toEqual(before);
    expect(deps.chat.updates().filter((u) => u.messageId === waiting?.messageId).map((u) => u.message.text)).toEqual([
      'Add you to design-team for 30 days was waiting for approval from bob (manager). You cancelled it before it was decided.',
    ]);
    // The approver's card ends too.
    expect(deps.chat.updates().filter((u) => u.conversation.channelId === `dm-${PEOPLE.bob.chat}`).at(-1)?.message.text).toMatch(/Cancelled by the requester/);
  });

  it('closes the open question of a request cancelled while it asked, leaving no buttons to click', async () => {
    const deps = scenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    expect(await stateOf(deps, id)).toBe('clarifying');
    const question = deps.chat.posts().at(-1);
    await send(deps, PEOPLE.alice.chat, 'cancel');

    expect(await stateOf(deps, id)).toBe('cancelled');
    expect(deps.chat.updates()).toEqual([
      { messageId: question?.messageId, conversation: question?.conversation, message: { text: 'I want to be sure I get this right. Did you mean:\nYou cancelled this request.' } },
    ]);
  });

  it('cancels the request whose thread the cancel was written in, not the latest one', async () => {
    const deps = scenario();
    const group = await send(deps, PEOPLE.alice.chat, TEXT.addGroup);
    const reset = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await replyInThread(deps, group, 'cancel', 'Ev-cancel-in-thread');

    expect(await stateOf(deps, group)).toBe('cancelled');
    expect(await stateOf(deps, reset)).toBe('verifying');
    const thread = postsIn(deps, (await stored(deps, group)).conversation.threadId);
    expect(thread.at(-1)).toBe('Cancelled your request to join design-team for 30 days. Nothing was changed.');
    expect(thread).not.toContain('Cancelled at your request. Nothing was changed.');
  });

  it("says in the status list that a refused request was about someone else, never which check refused it", async () => {
    const deps = scenario();
    await send(deps, PEOPLE.alice.chat, "reset bob's password");
    await send(deps, PEOPLE.alice.chat, 'reset this password please', undefined, [PEOPLE.bob.chat]);
    await send(deps, PEOPLE.alice.chat, 'status?');

    const lines = (deps.chat.posts().at(-1)?.message.text ?? '').split('\n');
    // Newest first: the mention (no readable name), then "bob's".
    expect(lines[1]).toMatch(/^• Reset someone else's password — not done — passed to the helpdesk \(/);
    expect(lines[2]).toMatch(/^• Reset someone else's password \(bob\) — not done — passed to the helpdesk \(/);
    expect(lines.filter((line) => line.startsWith('• Reset your password'))).toEqual([]);
  });

  it('says "already a member — nothing to change" in the status list for a group the requester is already in', async () => {
    const deps = scenario();
    deps.idp.updateUser(PEOPLE.alice.idp, { groups: [{ id: 'g_everyone', name: 'Everyone' }, { id: '00g_design', name: 'design-team' }] });
    await send(deps, PEOPLE.alice.chat, TEXT.addGroup);
    await send(deps, PEOPLE.alice.chat, 'status?');
    expect(deps.chat.posts().at(-1)?.message.text).toMatch(/\n• Add you to design-team — already a member — nothing to change \(/);
  });

  it('says when there is nothing to cancel', async () => {
    const deps = scenario();
    await send(deps, PEOPLE.alice.chat, 'cancel');
    expect(deps.chat.posts().at(-1)?.message.text).toBe('There is nothing in progress to cancel.');
  });
});
