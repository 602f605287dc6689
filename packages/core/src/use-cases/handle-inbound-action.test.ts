import { AppError } from '../domain/app-error';
import { PEOPLE, TEXT, answerPush, click, createScenario, inboundAction, reveal, send, stateOf, stored } from '../testing/core-scenario';
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

  it('fails the second reveal with a user-safe message', async () => {
    const { deps, id } = await resetDone();
    await reveal(deps, PEOPLE.alice.chat, id);
    const error = await thrown(reveal(deps, PEOPLE.alice.chat, id));

    expect(error.code).toBe('secret.not_found');
    expect(error.message).toMatch(/already opened or has expired/);
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
