import { createFakePolicyEngine, drainQueue } from '../testing';
import type { TestCoreDeps } from '../testing';
import { PEOPLE, TEXT, createScenario, send, stateOf, stored } from '../testing/core-scenario';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';

function scenario(): TestCoreDeps {
  const deps = createScenario({
    policy: createFakePolicyEngine({ escalate: [], catalogue: { groups: [{ name: 'design-team', ownerEmail: 'frank@example.com', maxDays: 30 }], apps: [] } }),
    classifications: {
      [TEXT.addGroup]: { intent: 'group_membership_add', slots: { group: 'design-team' } },
      'add me to design-team for 2 weeks': { intent: 'group_membership_add', slots: { group: 'design-team' } },
      [TEXT.reset]: { intent: 'password_reset' },
      cancel: { intent: 'cancel' },
      'status?': { intent: 'status' },
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

  it('says which request a cancel sent as a new message cancelled, and tells that request\'s thread too', async () => {
    const deps = scenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.addGroup);
    const cancel = await send(deps, PEOPLE.alice.chat, 'cancel');

    expect(await stateOf(deps, id)).toBe('cancelled');
    const cancelThread = (await stored(deps, cancel)).conversation.threadId;
    expect(postsIn(deps, cancelThread)).toEqual(['Cancelled your request to join design-team for 30 days. Nothing was changed.']);
    expect(postsIn(deps, (await stored(deps, id)).conversation.threadId).at(-1)).toBe('Cancelled at your request. Nothing was changed.');
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

  it('says when there is nothing to cancel', async () => {
    const deps = scenario();
    await send(deps, PEOPLE.alice.chat, 'cancel');
    expect(deps.chat.posts().at(-1)?.message.text).toBe('There is nothing in progress to cancel.');
  });
});
