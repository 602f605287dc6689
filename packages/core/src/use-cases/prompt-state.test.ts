import { CHAT_ACTIONS } from '../domain/chat';
import type { StepUpStatus } from '../ports/step-up-verifier';
import { createFakePolicyEngine, drainQueue } from '../testing';
import type { TestCoreDeps } from '../testing';
import { PEOPLE, TEXT, createScenario, inboundAction, inboundMessage, runsNow, send, stateOf } from '../testing/core-scenario';
import { onInboundAction } from './handle-inbound-action';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';
import { pollStepUp } from './poll-step-up';

/** The message that showed the number to tap (the only one with an `emphasis`). */
function pushPrompt(deps: TestCoreDeps, channelId?: string) {
  const prompt = deps.chat.posts().filter((p) => p.message.emphasis !== undefined && (channelId === undefined || p.conversation.channelId === channelId)).at(-1);
  if (!prompt) throw new Error('no push prompt was posted');
  return prompt;
}

const updatesOf = (deps: TestCoreDeps, messageId: string) => deps.chat.updates().filter((u) => u.messageId === messageId);

describe('push prompts end in a final state once the push is answered', () => {
  it('keeps the number while the push waits, then says "verified ✓" in place of "Tap N" once it is approved', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    const prompt = pushPrompt(deps);
    expect(prompt.message.text).toMatch(/Tap \d+ to approve\.$/);

    deps.stepUp.respondToLast('waiting');
    await deps.queue.runNext(async (job) => pollStepUp(deps, job.requestId, 1));
    await drainQueue(deps, { only: (job) => job.name !== 'stepup.poll' });
    expect(updatesOf(deps, prompt.messageId)).toEqual([]);

    deps.stepUp.respondToLast('approved');
    await drainQueue(deps);
    expect(await stateOf(deps, id)).toBe('succeeded');
    expect(updatesOf(deps, prompt.messageId)).toEqual([
      { messageId: prompt.messageId, conversation: prompt.conversation, message: { text: 'Unlock your account: verified ✓', tone: 'info' } },
    ]);
  });

  it.each([
    ['rejected', 'Reset your password: push not approved.'],
    ['timeout', 'Reset your password: push expired.'],
  ] as [StepUpStatus, string][])('closes the prompt of a %s push without its number or buttons', async (status, final) => {
    const deps = createScenario();
    await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const prompt = pushPrompt(deps);
    deps.stepUp.respondToLast(status);
    await drainQueue(deps);

    const updates = updatesOf(deps, prompt.messageId);
    expect(updates.map((u) => u.message.text)).toEqual([final]);
    expect(updates[0]?.message).not.toHaveProperty('emphasis');
    expect(updates[0]?.message).not.toHaveProperty('buttons');
  });

  it('closes a prompt that reached the chat only after its push was answered (a slow platform)', async () => {
    const deps = createScenario();
    const message = inboundMessage(PEOPLE.alice.chat, TEXT.unlock);
    await onInboundMessage(deps, message);
    // The push goes out and is answered while the chat platform has not taken the prompt yet.
    await drainQueue(deps, { only: (job) => job.name !== 'stepup.poll' && job.name !== 'chat.notify' });
    deps.stepUp.respondToLast('approved');
    await drainQueue(deps, { only: (job) => job.name !== 'chat.notify' });
    expect(await stateOf(deps, requestIdForEvent(message.eventId))).toBe('succeeded');

    await drainQueue(deps);
    const prompt = pushPrompt(deps);
    expect(updatesOf(deps, prompt.messageId).map((u) => u.message.text)).toEqual(['Unlock your account: verified ✓']);
  });
});

describe("an approver's confirmation prompt ends in a final state", () => {
  function scenario(): TestCoreDeps {
    const deps = createScenario({
      policy: createFakePolicyEngine({
        escalate: [],
        approvers: { conditional_access_change: ['helpdesk_admin'] },
        approverStepUp: { conditional_access_change: true },
        helpdeskAdmins: [PEOPLE.bob.email],
        conditionalAccess: { exclusionGroup: 'CA Travel Exclusion', defaultDays: 7, maxDays: 14 },
      }),
      classifications: { 'let me sign in from abroad': { intent: 'conditional_access_change' } },
    });
    deps.idp.addGroup({ id: '00g_ca', name: 'CA Travel Exclusion' });
    return deps;
  }

  async function bobApproves(deps: TestCoreDeps, id: string, push: StepUpStatus): Promise<void> {
    await onInboundAction(deps, inboundAction(PEOPLE.bob.chat, CHAT_ACTIONS.approve, `${id}|a1`));
    await drainQueue(deps, { only: runsNow });
    deps.stepUp.respondToLast(push);
    await drainQueue(deps, { only: (job) => runsNow(job) || job.name === 'approval.stepup_poll' });
  }

  it('says "push not approved" in place of the number after a rejected push, then "verified ✓" after the next one', async () => {
    const deps = scenario();
    const id = await send(deps, PEOPLE.alice.chat, 'let me sign in from abroad');
    deps.stepUp.respondToLast('approved');
    await drainQueue(deps, { only: (job) => runsNow(job) || job.name === 'stepup.poll' });
    expect(await stateOf(deps, id)).toBe('awaiting_approval');

    await bobApproves(deps, id, 'rejected');
    const first = pushPrompt(deps, `dm-${PEOPLE.bob.chat}`);
    expect(first.message.text).toMatch(/^Confirm your approval: tap \d+ in Okta Verify\.$/);
    expect(updatesOf(deps, first.messageId).map((u) => u.message.text)).toEqual(['Confirm your approval: push not approved.']);
    expect(deps.chat.posts().at(-1)?.message.text).toMatch(/^Your approval was not confirmed: the push wasn't approved \(it was denied, or a different number was tapped\)/);

    await bobApproves(deps, id, 'approved');
    const second = pushPrompt(deps, `dm-${PEOPLE.bob.chat}`);
    expect(second.messageId).not.toBe(first.messageId);
    expect(updatesOf(deps, second.messageId).map((u) => u.message.text)).toEqual(['Confirm your approval: verified ✓']);
    expect(await stateOf(deps, id)).toBe('succeeded');
  });
});
