import { AppError } from '../domain/app-error';
import { CHAT_ACTIONS } from '../domain/chat';
import { createFakePolicyEngine } from '../testing';
import { PEOPLE, TEXT, answerPush, click, createScenario, inboundMessage, postedTexts, send, stateOf, stored } from '../testing/core-scenario';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';
import { processRequest } from './process-request';
import { onInboundAction } from './handle-inbound-action';

/** The policy's velocity window: 2 identity actions per hour, so a test reaches it quickly. */
function scenario() {
  return createScenario({ policy: createFakePolicyEngine({ velocity: { limit: 2, windowMs: 60 * 60_000 }, pushRateLimit: { limit: 10, windowMs: 15 * 60_000 } }) });
}

describe('velocity: only requests that reached a step-up or a write count', () => {
  it('does not count refused requests: asking again after refusals is not locked out', async () => {
    const deps = scenario();
    deps.classifier.set("reset Bob's password", { intent: 'password_reset', slots: { target: 'Bob' } });
    for (let i = 0; i < 3; i += 1) expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, "reset Bob's password"))).toBe('refused');

    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.policy.evaluations().at(-1)?.recentActions).toBe(1);
  });

  it('does not count requests refused by the push limit', async () => {
    const deps = createScenario({ policy: createFakePolicyEngine({ velocity: { limit: 2, windowMs: 60 * 60_000 }, pushRateLimit: { limit: 1, windowMs: 15 * 60_000 } }) });
    await send(deps, PEOPLE.alice.chat, TEXT.reset); // push 1: counted
    expect(await stored(deps, await send(deps, PEOPLE.alice.chat, TEXT.unlock))).toMatchObject({ state: 'refused', outcome: { summary: 'push rate limit reached' } });
    deps.clock.advance(15 * 60_000 + 1);
    const id = await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.policy.evaluations().at(-1)?.recentActions).toBe(2);
  });

  it('counts a request that reached its step-up, once, even when the step is retried', async () => {
    const deps = scenario();
    deps.stepUp.failNextStart(new AppError('idp.unavailable', 'okta 503', { retryable: true }));
    await expect(send(deps, PEOPLE.alice.chat, TEXT.reset)).rejects.toThrow('okta 503');
    await send(deps, PEOPLE.bob.chat, TEXT.hi); // the drain retries the failed step: the push goes out
    await answerPush(deps, 'rejected'); // reached a step-up: it counts, whatever the answer
    await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    expect(deps.policy.evaluations().at(-1)?.recentActions).toBe(2);

    const third = await send(deps, PEOPLE.alice.chat, TEXT.signOut);
    expect(await stored(deps, third)).toMatchObject({ state: 'refused', decision: { rule: 'velocity' } });
    expect(deps.stepUp.started().filter((s) => s.userId === PEOPLE.alice.idp)).toHaveLength(2);
  });
});

describe('velocity: the last place in the window', () => {
  it('of two requests decided at the same moment, only one takes it (check and count are atomic)', async () => {
    const deps = createScenario({ policy: createFakePolicyEngine({ velocity: { limit: 1, windowMs: 60 * 60_000 } }) });
    const first = inboundMessage(PEOPLE.alice.chat, TEXT.reset);
    const second = inboundMessage(PEOPLE.alice.chat, TEXT.unlock);
    await onInboundMessage(deps, first);
    await onInboundMessage(deps, second);
    const ids = [requestIdForEvent(first.eventId), requestIdForEvent(second.eventId)];
    await Promise.all(ids.map((id) => processRequest(deps, id)));

    expect(deps.policy.evaluations().map((f) => f.recentActions)).toEqual([1, 1]); // both decided "allow"
    expect((await Promise.all(ids.map((id) => stateOf(deps, id)))).sort()).toEqual(['refused', 'verifying']);
    expect(deps.stepUp.started()).toHaveLength(1);
  });
});

describe('velocity: the refusal says so plainly and offers a person', () => {
  async function limited() {
    const deps = scenario();
    await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    const id = await send(deps, PEOPLE.alice.chat, TEXT.signOut);
    return { deps, id };
  }

  it('tells the requester they reached the hourly limit, with a "Talk to a person" button', async () => {
    const { deps, id } = await limited();
    expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { rule: 'velocity' } });
    const reply = deps.chat.posts().at(-1)?.message;
    expect(reply?.text).toBe("You've reached the hourly limit of 2 account changes, so I didn't do this one and nothing was changed. You can try again later, or ask the helpdesk to help you now.");
    expect(reply?.text).not.toMatch(/can't do this myself/);
    expect(reply?.buttons).toEqual([{ actionId: CHAT_ACTIONS.choose, value: `${id}|human_agent`, label: 'Talk to a person' }]);
    // Still a refusal the helpdesk channel sees (DESIGN: velocity refuses and escalates).
    expect(deps.chat.escalations().at(-1)).toMatchObject({ requestId: id, reason: expect.stringMatching(/^Refused by policy/) });
    expect(deps.stepUp.started()).toHaveLength(2);
  });

  it('hands the requester to a person on the button, once, and the refusal loses its button', async () => {
    const { deps, id } = await limited();
    const escalations = deps.chat.escalations().length;
    await onInboundAction(deps, { eventId: 'Ev-handoff-1', conversation: { surface: 'console', channelId: `D_${PEOPLE.alice.chat}` }, chatUserId: PEOPLE.alice.chat, actionId: CHAT_ACTIONS.choose, value: `${id}|human_agent`, messageId: 'msg-refusal', receivedAt: new Date() });
    await click(deps, PEOPLE.alice.chat, `${id}|human_agent`); // an old copy of the button, clicked again

    expect(await stateOf(deps, id)).toBe('refused');
    expect(deps.chat.escalations().slice(escalations)).toEqual([expect.objectContaining({ requestId: id, severity: 'info', reason: expect.stringMatching(/asked to talk to a person/) })]);
    expect(postedTexts(deps).slice(-2)).toEqual([expect.stringMatching(/let the helpdesk know/), expect.stringMatching(/already passed this to the helpdesk/)]);
    const updated = deps.chat.updates().find((u) => u.messageId === 'msg-refusal');
    expect(updated?.message.text).toMatch(/hourly limit[\s\S]*You chose: Talk to a person\.$/);
    expect(updated?.message.buttons).toBeUndefined();
  });

  it('ignores the button from anyone but the requester', async () => {
    const { deps, id } = await limited();
    const escalations = deps.chat.escalations().length;
    await click(deps, PEOPLE.bob.chat, `${id}|human_agent`);
    expect(deps.chat.escalations()).toHaveLength(escalations);
  });
});
