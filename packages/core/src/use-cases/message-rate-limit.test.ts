import type { InboundMessage } from '../domain/chat';
import { createFakePolicyEngine, drainQueue } from '../testing';
import { PEOPLE, TEXT, click, createScenario, inboundMessage, postedTexts, send, stateOf, stored } from '../testing/core-scenario';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';
import { replies } from './replies';

/** Flood control: 3 new messages per chat user per minute, so a test reaches the limit quickly. */
function scenario() {
  const deps = createScenario({ policy: createFakePolicyEngine({ messageRateLimit: { limit: 3, windowMs: 60_000 } }) });
  deps.classifier.set("reset Bob's password", { intent: 'password_reset', slots: { target: 'Bob' } });
  return deps;
}

const PAUSED = replies.messageRateLimited(60_000).text;

describe('flood control: at most N new messages per chat user in the window', () => {
  it('says the pause sentence plainly, naming the window', () => {
    expect(PAUSED).toBe("You've sent a lot of messages in a short time, so I'm pausing for a minute. Please wait a moment and try again; if it's urgent, ask for a person.");
    expect(replies.messageRateLimited(5 * 60_000).text).toMatch(/pausing for 5 minutes/);
  });

  it('refuses the N+1-th message and the rest of the burst without classifying, a profile lookup, an IdP call or a helpdesk card, with one reply for the whole burst', async () => {
    const deps = scenario();
    for (let i = 0; i < 3; i += 1) expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, TEXT.hi))).toBe('answered');
    const classified = deps.classifier.seen().length;
    const lookups = deps.chat.lookups().length;
    const idpCalls = deps.idp.calls().length;
    const posts = deps.chat.posts().length;

    // Each of these would otherwise look Alice up in the IdP and post a refusal card.
    const flooded: string[] = [];
    for (let i = 0; i < 10; i += 1) flooded.push(await send(deps, PEOPLE.alice.chat, "reset Bob's password"));

    for (const id of flooded) {
      expect(await stored(deps, id)).toMatchObject({ state: 'refused', outcome: { summary: 'message-rate-limit' } });
      expect((await stored(deps, id)).intent).toBeUndefined();
    }
    expect(deps.classifier.seen()).toHaveLength(classified);
    expect(deps.chat.lookups()).toHaveLength(lookups);
    expect(deps.idp.calls()).toHaveLength(idpCalls);
    expect(deps.chat.escalations()).toEqual([]);
    expect(postedTexts(deps).slice(posts)).toEqual([PAUSED]);
    expect(deps.chat.posts().at(-1)?.conversation.threadId).toBe((await stored(deps, flooded[0] ?? '')).conversation.threadId);
  });

  it('audits every refused message with the message-rate-limit rule, saying which one was answered', async () => {
    const deps = scenario();
    for (let i = 0; i < 3; i += 1) await send(deps, PEOPLE.alice.chat, TEXT.hi);
    const first = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const second = await send(deps, PEOPLE.alice.chat, TEXT.reset);

    for (const [id, replied] of [[first, true], [second, false]] as const) {
      const events = deps.audit.forRequest(id);
      expect(events.map((e) => e.type)).toEqual(['request.received', 'request.refused']);
      expect(events[1]).toMatchObject({ state: 'refused', policy: { rule: 'message-rate-limit', decision: 'refuse', hash: deps.policy.hash }, details: { reason: 'message-rate-limit', limit: 3, windowMs: 60_000, replied } });
    }
  });

  it('serves messages again once the window has passed, and tells a new burst once again', async () => {
    const deps = scenario();
    for (let i = 0; i < 3; i += 1) await send(deps, PEOPLE.alice.chat, TEXT.hi);
    expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, TEXT.reset))).toBe('refused');
    expect(deps.stepUp.started()).toEqual([]);

    deps.clock.advance(60_000);
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.stepUp.started().map((s) => s.userId)).toEqual([PEOPLE.alice.idp]);

    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    const posts = deps.chat.posts().length;
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    expect(postedTexts(deps).slice(posts)).toEqual([PAUSED]);
  });

  it('lists a flooded message under "status" as not read, not as passed to the helpdesk', async () => {
    const deps = scenario();
    deps.classifier.set('status?', { intent: 'status' });
    for (let i = 0; i < 4; i += 1) await send(deps, PEOPLE.alice.chat, TEXT.hi);
    deps.clock.advance(60_000);
    await send(deps, PEOPLE.alice.chat, 'status?');
    const status = postedTexts(deps).at(-1) ?? '';
    expect(status.split('\n').filter((line) => line.includes('not read — too many messages at once'))).toHaveLength(1);
    expect(status).not.toMatch(/passed to the helpdesk/);
  });

  it('counts a retried job of the same message once', async () => {
    const deps = scenario();
    const newcomer = 'U_NEWCOMER';
    const message = inboundMessage(newcomer, TEXT.hi);
    const id = requestIdForEvent(message.eventId);
    // The platform does not know the user yet (a profile lookup failing after the count): the job fails.
    await expect(send(deps, newcomer, TEXT.hi, message.eventId)).rejects.toThrow();
    expect(await stateOf(deps, id)).toBe('received');
    deps.chat.setUser(newcomer, { email: 'newcomer@example.com' });
    await drainQueue(deps); // the same request.process job, run again
    expect(await stateOf(deps, id)).toBe('answered');
    expect(deps.queue.jobs().filter((job) => job.requestId === id && job.name === 'request.process')).toEqual([expect.objectContaining({ attempts: 2 })]);

    // 1 (counted once, although processed twice) + 2 more fit in the limit of 3.
    expect(await stateOf(deps, await send(deps, newcomer, TEXT.hi))).toBe('answered');
    expect(await stateOf(deps, await send(deps, newcomer, TEXT.hi))).toBe('answered');
    expect(await stateOf(deps, await send(deps, newcomer, TEXT.hi))).toBe('refused');
  });

  it('does not count button clicks, only new messages', async () => {
    const deps = scenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague); // 1: asks "did you mean"
    expect(await stateOf(deps, id)).toBe('clarifying');
    await click(deps, PEOPLE.alice.chat, `${id}|password_reset`); // a click continues the same request
    await click(deps, PEOPLE.alice.chat, `${id}|password_reset`); // an old copy, clicked again
    expect(await stateOf(deps, id)).toBe('verifying');

    expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, TEXT.hi))).toBe('answered'); // 2
    expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, TEXT.hi))).toBe('answered'); // 3
    expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, TEXT.hi))).toBe('refused');
  });

  it('keeps one window per chat user, and per workspace for the same user id', async () => {
    const deps = scenario();
    for (let i = 0; i < 4; i += 1) await send(deps, PEOPLE.alice.chat, TEXT.hi);
    expect(await stateOf(deps, await send(deps, PEOPLE.bob.chat, TEXT.hi))).toBe('answered');

    const otherWorkspace: InboundMessage = { ...inboundMessage(PEOPLE.alice.chat, TEXT.hi), chatTeamId: 'T_OTHER' };
    await onInboundMessage(deps, otherWorkspace);
    await drainQueue(deps);
    expect(await stateOf(deps, requestIdForEvent(otherWorkspace.eventId))).toBe('answered');
  });
});
