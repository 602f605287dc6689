import { AppError } from '../domain/app-error';
import { PEOPLE, TEXT, answerPush, createScenario, postedTexts, send, stateOf, stored } from '../testing/core-scenario';
import { drainQueue } from '../testing';
import { pollStepUp } from './poll-step-up';

describe('pollStepUp', () => {
  it('queues the action when the push is approved', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    deps.stepUp.respondToLast('approved');
    await drainQueue(deps, { only: (job) => job.name === 'stepup.poll' });

    expect(await stored(deps, id)).toMatchObject({ state: 'queued', stepUp: { result: 'approved' } });
    expect(deps.queue.pending().filter((j) => j.name === 'action.execute').map((j) => j.id)).toEqual([`${id}:execute`]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('keeps polling while the push waits, one job id per look', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await deps.queue.runNext(async (job) => pollStepUp(deps, job.requestId, 1));
    await deps.queue.runNext(async (job) => pollStepUp(deps, job.requestId, 2));

    expect(deps.queue.jobsNamed('stepup.poll').map((j) => j.step)).toEqual(['poll:1', 'poll:2', 'poll:3']);
    expect(await stateOf(deps, id)).toBe('verifying');
  });

  it('refuses on a rejected push: no write, critical escalation, and the owner is told "didn\'t ask for this?"', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'rejected');

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', stepUp: { result: 'rejected' }, outcome: { errorCode: 'stepup.rejected' } });
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id, severity: 'critical', reason: expect.stringMatching(/account-takeover/) })]);
    expect(postedTexts(deps).at(-1)).toMatch(/didn't ask for this/i);
    expect(deps.queue.jobsNamed('action.execute')).toEqual([]);
  });

  it('tells the requester a rejected push may be a wrong number tapped (Okta reports both as REJECTED), and still alerts security', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    await answerPush(deps, 'rejected');

    const told = postedTexts(deps).at(-1) ?? '';
    expect(told).toMatch(/^The push wasn't approved \(it was denied, or a different number was tapped\), so I didn't change anything\./);
    expect(told).toContain('If you tapped the wrong number, just ask again.');
    expect(told).not.toMatch(/verification was denied/);
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id, severity: 'critical', reason: expect.stringMatching(/wrong number/) })]);
    expect(await stateOf(deps, id)).toBe('refused');
  });

  it('refuses on a timed-out push without a write', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'timeout');

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', stepUp: { result: 'timeout' } });
    expect(deps.idp.writes()).toEqual([]);
    expect(postedTexts(deps).at(-1)).toMatch(/expired before it was approved/);
  });

  it('gives up when the push outlives its expiry while still waiting', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'waiting'); // the drain advances the clock by each poll delay

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', stepUp: { result: 'timeout' } });
    expect(deps.queue.jobsNamed('stepup.poll').length).toBe(60);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('still hands the action to the worker when a retry follows a failed enqueue of the execute job', async () => {
    // Fix: the retried poll found the request `queued` (or `verified`) and returned, so nothing ran it.
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    deps.queue.failEnqueue(new AppError('queue.unavailable', 'redis blip', { retryable: true }), (job) => job.name === 'action.execute');
    await expect(answerPush(deps, 'approved')).rejects.toThrow('redis blip');
    expect(await stateOf(deps, id)).toBe('queued');

    await drainQueue(deps);
    expect(await stateOf(deps, id)).toBe('succeeded');
    expect(deps.idp.writes()).toHaveLength(1);
  });

  it('finishes the hand-over for a request left in verified', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const row = await stored(deps, id);
    deps.store.seed({ ...row, state: 'verified', version: row.version + 1, stepUp: row.stepUp && { ...row.stepUp, result: 'approved' } });
    await pollStepUp(deps, id, 1);

    expect(await stateOf(deps, id)).toBe('queued');
    expect(deps.queue.jobsNamed('action.execute').map((j) => j.id)).toEqual([`${id}:execute`]);
  });

  it('does nothing for a request that is no longer verifying (e.g. cancelled)', async () => {
    const deps = createScenario({ classifications: { [TEXT.reset]: { intent: 'password_reset' }, 'cancel that': { intent: 'cancel' } } });
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await send(deps, PEOPLE.alice.chat, 'cancel that');
    expect(await stateOf(deps, id)).toBe('cancelled');

    await answerPush(deps, 'approved');
    expect(await stateOf(deps, id)).toBe('cancelled');
    expect(deps.stepUp.polls()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });
});
