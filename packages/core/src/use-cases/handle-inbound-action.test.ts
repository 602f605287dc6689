import { AppError } from '../domain/app-error';
import { createFakePolicyEngine, drainQueue } from '../testing';
import { PEOPLE, TEXT, answerPush, click, createScenario, inboundAction, inboundMessage, reveal, send, stateOf, stored } from '../testing/core-scenario';
import { onInboundMessage, requestIdForEvent } from './handle-inbound-message';
import { onInboundAction, onRevealSecret } from './handle-inbound-action';

async function thrown(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('onInboundAction: clarification buttons', () => {
  it('continues with the requester\'s own choice', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    await click(deps, PEOPLE.alice.chat, `${id}|account_unlock`);

    expect(await stored(deps, id)).toMatchObject({ state: 'verifying', intent: 'account_unlock', action: 'account_unlock', confidence: 1 });
    expect(deps.stepUp.started()).toHaveLength(1);
    expect(deps.audit.forRequest(id).filter((r) => r.type === 'chat.button_clicked').map((r) => r.details)).toEqual([
      { actionId: 'keyward.choose', choice: 'account_unlock', by: PEOPLE.alice.chat, accepted: true, replay: false },
    ]);
  });

  it('audits and ignores a bystander\'s click', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    const before = await stored(deps, id);
    await click(deps, PEOPLE.bob.chat, `${id}|password_reset`);

    expect(await stored(deps, id)).toEqual(before);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.queue.jobsNamed('request.process').map((j) => j.step)).toEqual(['process']);
    const clicks = deps.audit.forRequest(id).filter((r) => r.type === 'chat.button_clicked');
    expect(clicks.map((r) => r.details)).toEqual([{ actionId: 'keyward.choose', choice: 'password_reset', by: PEOPLE.bob.chat, accepted: false, replay: false }]);
  });

  it('accepts only the first of two clicks', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    await click(deps, PEOPLE.alice.chat, `${id}|none`);
    await click(deps, PEOPLE.alice.chat, `${id}|password_reset`);

    expect(await stored(deps, id)).toMatchObject({ state: 'answered', intent: 'unknown' });
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.audit.forRequest(id).filter((r) => r.type === 'chat.button_clicked').map((r) => r.details?.accepted)).toEqual([true, false]);
  });

  it('ignores a replayed click (same event id) and audits it as a replay (F18)', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    const replayed = inboundAction(PEOPLE.bob.chat, 'keyward.choose', `${id}|none`);
    await onInboundAction(deps, replayed);
    const captured = { ...inboundAction(PEOPLE.alice.chat, 'keyward.choose', `${id}|account_unlock`), eventId: replayed.eventId };
    await onInboundAction(deps, captured);

    expect(await stateOf(deps, id)).toBe('clarifying');
    expect(deps.audit.forRequest(id).filter((r) => r.type === 'chat.button_clicked').map((r) => r.details?.replay)).toEqual([false, true]);
  });

  it('keeps a named third party after a clarification, so the choice is still refused', async () => {
    const deps = createScenario();
    const text = "reset bob's password maybe";
    deps.classifier.set(text, { intent: 'password_reset', confidence: 0.4, slots: { target: 'bob' } });
    const id = await send(deps, PEOPLE.alice.chat, text);
    await click(deps, PEOPLE.alice.chat, `${id}|password_reset`);

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { rule: 'self-service-target-only' } });
    expect(deps.stepUp.started()).toEqual([]);
  });

  it('treats a forged choice as unknown rather than trusting it', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    await click(deps, PEOPLE.alice.chat, `${id}|make_me_admin`);
    expect(await stored(deps, id)).toMatchObject({ state: 'answered', intent: 'unknown' });
  });

  it('ignores clicks for unknown requests and other buttons', async () => {
    const deps = createScenario();
    await onInboundAction(deps, inboundAction(PEOPLE.alice.chat, 'keyward.choose', 'rq_nope|password_reset'));
    await onInboundAction(deps, inboundAction(PEOPLE.alice.chat, 'keyward.cancel', 'whatever'));
    expect(deps.audit.records()).toEqual([]);
    expect(deps.queue.jobs()).toEqual([]);
  });
});

describe('onRevealSecret (invariant 6)', () => {
  async function resetDone() {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    const secret = deps.vault.peek(id);
    if (!secret) throw new Error('no secret in the vault');
    return { deps, id, secret };
  }

  it('gives the secret to the requester once and marks it delivered', async () => {
    const { deps, id, secret } = await resetDone();
    const revealed = await reveal(deps, PEOPLE.alice.chat, id);

    expect(revealed).toMatchObject({ secret, isLink: true, title: 'Your password reset link' });
    expect(deps.vault.has(id)).toBe(false);
    expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', outcome: { secretPending: false } });
  });

  it('forbids another chat user and keeps the secret for its owner', async () => {
    const { deps, id, secret } = await resetDone();
    const error = await thrown(reveal(deps, PEOPLE.bob.chat, id));

    expect(error.code).toBe('secret.forbidden');
    expect(deps.vault.peek(id)).toBe(secret);
    expect(deps.audit.forRequest(id).filter((r) => r.type === 'secret.reveal_denied').map((r) => r.details)).toEqual([{ by: PEOPLE.bob.chat }]);
    expect((await reveal(deps, PEOPLE.alice.chat, id)).secret).toBe(secret);
  });

  it('answers the second reveal with a plain "already opened", user-safe', async () => {
    const { deps, id } = await resetDone();
    await reveal(deps, PEOPLE.alice.chat, id);
    const error = await thrown(reveal(deps, PEOPLE.alice.chat, id));

    expect(error.code).toBe('secret.not_found');
    expect(error.message).toBe('You already opened your password reset link: it is shown only once. If you still need one, just ask me again.');
    expect(deps.audit.forRequest(id).filter((r) => r.type === 'secret.reveal_failed')).toHaveLength(1);
  });

  it('fails after the secret expired', async () => {
    const { deps, id } = await resetDone();
    deps.clock.advance(deps.policy.secretTtlMs);
    expect((await thrown(reveal(deps, PEOPLE.alice.chat, id))).code).toBe('secret.not_found');
    expect(await stateOf(deps, id)).toBe('succeeded');
  });

  it('says not found for an unknown request', async () => {
    const deps = createScenario();
    expect((await thrown(onRevealSecret(deps, inboundAction(PEOPLE.alice.chat, 'keyward.reveal_secret', 'rq_nope')))).code).toBe('secret.not_found');
  });
});

describe('buttons end in a final state once used (no second click on an old copy)', () => {
  /** Clicks the button with `value` on the last message that carried it, as the surface reports it. */
  async function clickOn(deps: ReturnType<typeof createScenario>, chatUserId: string, value: string): Promise<void> {
    const carrier = deps.chat.posts().filter((p) => p.message.buttons?.some((b) => b.value === value)).at(-1);
    if (!carrier) throw new Error(`no message carries ${value}`);
    await onInboundAction(deps, { ...inboundAction(chatUserId, 'keyward.choose', value), conversation: carrier.conversation, messageId: carrier.messageId });
    await drainQueue(deps, { only: (job) => job.name !== 'stepup.poll' });
  }

  it('puts a "did you mean" question in its final state, without buttons, after the choice', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    const question = deps.chat.posts().at(-1);
    await clickOn(deps, PEOPLE.alice.chat, `${id}|account_unlock`);

    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.chat.updates()).toEqual([
      { messageId: question?.messageId, conversation: question?.conversation, message: { text: 'I want to be sure I get this right. Did you mean:\nYou chose: Unlock your account.' } },
    ]);
  });

  it('answers a click on an old copy of an answered question plainly, and changes nothing', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    await clickOn(deps, PEOPLE.alice.chat, `${id}|account_unlock`);
    const before = await stored(deps, id);
    await clickOn(deps, PEOPLE.alice.chat, `${id}|password_reset`);

    expect(await stored(deps, id)).toEqual(before);
    expect(deps.chat.posts().at(-1)?.message.text).toBe('You already answered this question, so there is nothing more to do here. Send me a new message if you need something else.');
    expect(deps.stepUp.started()).toHaveLength(1);
  });

  it('puts the language question in its final state after "Talk to a person"', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, 'je suis bloqué');
    await clickOn(deps, PEOPLE.alice.chat, `${id}|human_agent`);

    expect(await stateOf(deps, id)).toBe('escalated');
    const final = deps.chat.updates().at(-1)?.message;
    expect(final?.text).toMatch(/^Sorry, I can only work in English for now \(your message looks like French\)[\s\S]*\nYou chose: Talk to a person\.$/);
    expect(final?.buttons).toBeUndefined();
  });

  it('puts a "did you mean <group>" question in its final state after the pick', async () => {
    const deps = createScenario({ policy: createFakePolicyEngine({ escalate: [], catalogue: { groups: [{ name: 'design-team' }], apps: [] } }) });
    deps.idp.addGroup({ id: '00g_design', name: 'design-team' });
    deps.classifier.set('add me to desing team', { intent: 'group_membership_add', slots: { group: 'desing' } });
    const id = await send(deps, PEOPLE.alice.chat, 'add me to desing team');
    expect(deps.chat.posts().at(-1)?.message.buttons?.map((b) => b.label)).toEqual(['design-team', 'Something else']);
    await clickOn(deps, PEOPLE.alice.chat, `${id}|resource|design-team`);

    expect(await stored(deps, id)).toMatchObject({ state: 'verifying', resource: { id: '00g_design' } });
    expect(deps.chat.updates().at(-1)?.message).toEqual({ text: 'I couldn\'t find a requestable group called "desing". Did you mean:\nYou chose: design-team.' });
  });

  it('puts "Show my reset link" in its final state after the reveal; a re-click on an old copy is told plainly', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    const carrier = deps.chat.posts().at(-1);
    const click = { ...inboundAction(PEOPLE.alice.chat, 'keyward.reveal_secret', id), conversation: carrier?.conversation ?? { surface: 'console' as const, channelId: 'D' }, messageId: carrier?.messageId };
    await onRevealSecret(deps, click);
    await drainQueue(deps);

    const final = deps.chat.updates().at(-1);
    expect(final?.messageId).toBe(carrier?.messageId);
    expect(final?.message).toEqual({ text: 'Done. Your password reset link was shown to you once and is no longer available here. If you need a new one, just ask me again.', tone: 'success' });
    const again = await thrown(onRevealSecret(deps, { ...click, eventId: 'Ev-reveal-again' }));
    expect(again).toMatchObject({ code: 'secret.not_found', message: expect.stringMatching(/^You already opened your password reset link/) });
  });

  it('leaves the reveal card to Teams, which shows the secret on it and swaps it for "shown once" itself', async () => {
    const deps = createScenario({ surface: 'teams' });
    const message = { ...inboundMessage(PEOPLE.alice.chat, TEXT.reset), conversation: { surface: 'teams' as const, channelId: 'a:alice-1on1' } };
    await onInboundMessage(deps, message);
    await drainQueue(deps, { only: (job) => job.name !== 'stepup.poll' });
    const id = requestIdForEvent(message.eventId);
    await answerPush(deps, 'approved');
    expect(await stateOf(deps, id)).toBe('succeeded');
    const carrier = deps.chat.posts().at(-1);
    await onRevealSecret(deps, { ...inboundAction(PEOPLE.alice.chat, 'keyward.reveal_secret', id), conversation: { surface: 'teams', channelId: carrier?.conversation.channelId ?? '' }, messageId: carrier?.messageId });
    await drainQueue(deps);
    expect(deps.chat.updates().filter((update) => update.messageId === carrier?.messageId)).toEqual([]);
  });
});

describe('the "English only" question', () => {
  it('is not asked again after "No thanks"', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, 'je suis bloqué');
    await click(deps, PEOPLE.alice.chat, `${id}|none`);
    expect(await stored(deps, id)).toMatchObject({ state: 'answered', outcome: { summary: 'not english, declined a person' } });
    expect(deps.chat.posts().map((p) => p.message.text).filter((t) => /only work in English/.test(t))).toHaveLength(1);
  });
});
