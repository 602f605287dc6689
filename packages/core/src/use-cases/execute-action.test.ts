import { AppError, afterPartialWrite } from '../domain/app-error';
import { PEOPLE, TEXT, answerPush, createScenario, postedTexts, send, stateOf, stored } from '../testing/core-scenario';
import { drainQueue } from '../testing';
import { executeAction, onExecutionGaveUp } from './execute-action';

describe('executeAction', () => {
  it('resets the password with exactly one IdP write after an approved push; the secret waits in the vault', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');

    const writes = deps.idp.writes();
    expect(writes).toEqual([expect.objectContaining({ op: 'resetPassword', userId: PEOPLE.alice.idp, requestId: id, revokeSessions: false })]);
    const secret = writes[0]?.secret ?? '';
    expect(deps.vault.peek(id)).toBe(secret);
    expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', outcome: { secretPending: true, idpRequestId: writes[0]?.idpRequestId } });
    const result = deps.chat.posts().at(-1)?.message;
    expect(result?.buttons).toEqual([expect.objectContaining({ actionId: 'keyward.reveal_secret', value: id })]);
    expect(result?.text).toMatch(/expires in 60 minutes/);
  });

  it('never puts the secret into chat, the audit log, the logs or a queued job', async () => {
    const deps = createScenario();
    await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    const [secret] = deps.idp.issuedSecrets();
    if (!secret) throw new Error('no secret issued');

    expect(deps.chat.allText()).not.toContain(secret);
    expect(JSON.stringify(deps.audit.records())).not.toContain(secret);
    expect(deps.logger.allText()).not.toContain(secret);
    expect(JSON.stringify(deps.queue.jobs())).not.toContain(secret);
    expect(JSON.stringify(deps.store.all())).not.toContain(secret);
  });

  it('re-evaluates the policy on fresh facts before the write', async () => {
    const deps = createScenario();
    await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    expect(deps.policy.evaluations()).toHaveLength(2);
  });

  it('refuses at execution when the target became privileged while the push waited (invariant 3)', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    deps.idp.updateUser(PEOPLE.alice.idp, { adminRoles: ['ORG_ADMIN'] });
    await answerPush(deps, 'approved');

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { outcome: 'refuse', rule: 'privileged-target' } });
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.vault.has(id)).toBe(false);
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ severity: 'critical', reason: expect.stringMatching(/^Refused at execution/) })]);
  });

  it('refuses to write when the persisted decision does not allow this exact request (invariant 3)', async () => {
    // Fix: the worker used to trust a fresh "allow" alone, whatever the persisted decision said.
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    const done = await stored(deps, id);
    const base = { ...done, state: 'queued' as const, outcome: undefined };
    const decision = done.decision;
    if (!decision) throw new Error('no decision');
    const corrupted = [
      { ...base, id: 'rq_refused', decision: { ...decision, outcome: 'refuse' as const } },
      { ...base, id: 'rq_other_action', decision: { ...decision, action: 'account_unlock' as const } },
      { ...base, id: 'rq_no_push', stepUp: done.stepUp && { ...done.stepUp, result: 'rejected' as const } },
      { ...base, id: 'rq_no_decision', decision: undefined },
    ];
    for (const row of corrupted) {
      deps.store.seed(row);
      await executeAction(deps, row.id);
      expect(await stateOf(deps, row.id)).toBe('failed');
    }
    expect(deps.idp.writes()).toHaveLength(1); // only the genuine request's write
  });

  it('refuses a row whose target is not the requester', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    const row = await stored(deps, id);
    deps.store.seed({ ...row, id: 'rq_bob', state: 'queued', targetIdpUserId: PEOPLE.bob.idp });
    await executeAction(deps, 'rq_bob');
    expect(await stateOf(deps, 'rq_bob')).toBe('failed');
    expect(deps.idp.writes().map((w) => w.userId)).toEqual([PEOPLE.alice.idp]);
  });

  it('revokes sessions with the reset and alerts the helpdesk when compromise is suspected', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.compromisedReset);
    await answerPush(deps, 'approved');

    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'resetPassword', revokeSessions: true })]);
    expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', outcome: { summary: 'reset link issued; sessions revoked' } });
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id, severity: 'critical', reason: expect.stringMatching(/^Security/) })]);
    expect(postedTexts(deps).at(-1)).toMatch(/signed you out on all devices/);
  });

  it('clears sessions and alerts the helpdesk for a sign-out with suspected compromise', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.compromisedSignOut);
    await answerPush(deps, 'approved');

    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'clearSessions', userId: PEOPLE.alice.idp, requestId: id })]);
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ severity: 'critical' })]);
    expect(postedTexts(deps).at(-1)).toMatch(/told the security team/);
  });

  it('clears sessions without alerting anyone for a plain sign-out', async () => {
    const deps = createScenario();
    await send(deps, PEOPLE.alice.chat, TEXT.signOut);
    await answerPush(deps, 'approved');
    expect(deps.idp.writes().map((w) => w.op)).toEqual(['clearSessions']);
    expect(deps.chat.escalations()).toEqual([]);
  });

  it('unlocks a locked account', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.locked.chat, TEXT.unlock);
    await answerPush(deps, 'approved');
    expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', outcome: { summary: 'unlocked' } });
    expect(postedTexts(deps).at(-1)).toMatch(/Your account is unlocked/);
  });

  it('says "wasn\'t locked" when unlocking an account that is not locked', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    await answerPush(deps, 'approved');
    expect(deps.idp.writes()).toEqual([expect.objectContaining({ op: 'unlock', outcome: 'already_done' })]);
    expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', outcome: { summary: 'was not locked' } });
    expect(postedTexts(deps).at(-1)).toMatch(/wasn't locked/);
  });

  it('rethrows a retryable IdP error and leaves the request executing; a later attempt succeeds', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    // The IdP answered (503): the write was refused, not applied, so it may be sent again.
    const error = new AppError('idp.unavailable', 'okta 503', { retryable: true, details: { status: 503 } });
    deps.idp.failNext('resetPassword', error);
    await expect(answerPush(deps, 'approved')).rejects.toBe(error);

    expect(await stateOf(deps, id)).toBe('executing');
    expect(deps.idp.writes()).toEqual([]);
    await drainQueue(deps);
    expect(await stateOf(deps, id)).toBe('succeeded');
    expect(deps.idp.writes()).toHaveLength(1);
  });

  it('tells the requester about a delay when the IdP rate-limits', async () => {
    const deps = createScenario();
    await send(deps, PEOPLE.alice.chat, TEXT.reset);
    deps.idp.failNext('resetPassword', new AppError('idp.rate_limited', '429', { retryable: true, retryAfterMs: 1000 }));
    await expect(answerPush(deps, 'approved')).rejects.toThrow('429');
    await drainQueue(deps, { only: (job) => job.name === 'chat.notify' });
    expect(postedTexts(deps).at(-1)).toMatch(/busy right now/);
  });

  it('ends failed with an escalation when the queue gives up on a retryable error', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const error = new AppError('idp.unavailable', 'okta 503', { retryable: true });
    deps.idp.failNext('resetPassword', error);
    await expect(answerPush(deps, 'approved')).rejects.toBe(error);
    deps.queue.giveUp(`${id}:execute`);

    await onExecutionGaveUp(deps, id, error);
    await drainQueue(deps);
    expect(await stored(deps, id)).toMatchObject({ state: 'failed', outcome: { errorCode: 'idp.unavailable' } });
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ severity: 'warning', reason: expect.stringMatching(/gave up after retries/) })]);
    expect(postedTexts(deps).at(-1)).toMatch(/couldn't complete that/);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('ignores a give-up for a request that already ended', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    const before = await stored(deps, id);
    await onExecutionGaveUp(deps, id, new Error('late'));
    expect(await stored(deps, id)).toEqual(before);
  });

  it('ends failed with an escalation on a non-retryable IdP error', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    deps.idp.failNext('resetPassword', new AppError('idp.denied', 'E0000006 forbidden'));
    await answerPush(deps, 'approved');

    expect(await stored(deps, id)).toMatchObject({ state: 'failed', outcome: { errorCode: 'idp.denied' } });
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ reason: 'Action failed (idp.denied): E0000006 forbidden' })]);
    expect(deps.vault.has(id)).toBe(false);
  });

  it('does nothing for a request that is not queued or executing', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await executeAction(deps, id);
    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.idp.calls().filter((c) => c.op === 'resetPassword')).toEqual([]);
  });

  it('runs at most once even when the execute job is delivered twice', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'approved');
    await executeAction(deps, id);
    expect(deps.idp.writes()).toHaveLength(1);
  });

  describe('at most one IdP write per request (a write that may have been applied is never re-sent blindly)', () => {
    /** Runs the flow up to the queued execute job, without running it. */
    async function queued(deps: ReturnType<typeof createScenario>, chatUserId: string, text: string): Promise<string> {
      const id = await send(deps, chatUserId, text);
      deps.stepUp.respondToLast('approved');
      await drainQueue(deps, { only: (job) => job.name !== 'action.execute' });
      expect(await stateOf(deps, id)).toBe('queued');
      return id;
    }

    /** The worker "dies" after the IdP applied the write: the call never returns to it. */
    function applyThenHang<K extends 'resetPassword' | 'unlock' | 'resetFactors'>(deps: ReturnType<typeof createScenario>, op: K): void {
      const idp = deps.idp as unknown as Record<K, (...args: unknown[]) => Promise<unknown>>;
      const real = idp[op].bind(deps.idp);
      idp[op] = async (...args: unknown[]) => {
        idp[op] = real;
        await real(...args);
        return new Promise(() => undefined);
      };
    }

    it('a reset whose worker died after the IdP applied it ends as "outcome unknown": no second link, one reply, helpdesk told', async () => {
      const deps = createScenario();
      const id = await queued(deps, PEOPLE.alice.chat, TEXT.reset);
      applyThenHang(deps, 'resetPassword');
      void executeAction(deps, id); // the dying worker
      await waitFor(() => deps.idp.writes().length === 1);
      expect(await stored(deps, id)).toMatchObject({ state: 'executing', write: { attempts: 1 } });

      await executeAction(deps, id); // the worker that takes the job over
      await drainQueue(deps, { only: (job) => job.name !== 'action.execute' }); // deliver the replies
      expect(deps.idp.writes()).toHaveLength(1);
      expect(await stored(deps, id)).toMatchObject({ state: 'failed', outcome: { errorCode: 'idp.outcome_unknown' } });
      expect(deps.chat.allText().match(/can't confirm whether your password reset went through/g)).toHaveLength(1);
      expect(deps.chat.allText()).toMatch(/Outcome unknown: the password_reset call/);
      expect(deps.vault.peek(id)).toBeUndefined();
      expect(deps.audit.records().map((r) => r.type)).toEqual(expect.arrayContaining(['request.write_started', 'request.failed']));
    });

    it('a reset whose connection broke mid-call (no answer) is not re-sent by the retry', async () => {
      const deps = createScenario();
      const id = await queued(deps, PEOPLE.alice.chat, TEXT.reset);
      const reset = new AppError('idp.unavailable', 'could not reach Okta (ECONNRESET)', { retryable: true, details: { network: 'ECONNRESET' } });
      deps.idp.failNext('resetPassword', reset);
      await expect(executeAction(deps, id)).rejects.toBe(reset);
      await executeAction(deps, id);
      expect(deps.idp.writes()).toEqual([]);
      expect(await stateOf(deps, id)).toBe('failed');
    });

    it('a 429 is an answer: the write was not applied, and the retry sends it', async () => {
      const deps = createScenario();
      const id = await queued(deps, PEOPLE.alice.chat, TEXT.reset);
      const limited = new AppError('idp.rate_limited', 'rate limited', { retryable: true, retryAfterMs: 1000, details: { status: 429 } });
      deps.idp.failNext('resetPassword', limited);
      await expect(executeAction(deps, id)).rejects.toBe(limited);
      expect(await stored(deps, id)).toMatchObject({ state: 'executing', write: { attempts: 1, settledAt: expect.any(String) } });
      await executeAction(deps, id);
      expect(deps.idp.writes()).toHaveLength(1);
      expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', write: { attempts: 2 } });
    });

    it('an error answered after part of the operation was applied (password set, revoke throttled) is not taken for "not applied"', async () => {
      const deps = createScenario();
      const id = await queued(deps, PEOPLE.alice.chat, TEXT.reset);
      const limited = new AppError('idp.rate_limited', 'revoke throttled', { retryable: true, retryAfterMs: 5000, details: { status: 429 } });
      deps.idp.failNext('resetPassword', afterPartialWrite(limited, 'the temporary password was set') as AppError);
      await expect(executeAction(deps, id)).rejects.toMatchObject({ code: 'idp.rate_limited' });
      await executeAction(deps, id);
      expect(deps.idp.writes()).toEqual([]);
      expect(await stored(deps, id)).toMatchObject({ state: 'failed', outcome: { errorCode: 'idp.outcome_unknown' } });
    });

    it('an unlock in doubt is sent again (the IdP makes the repeat a no-op) and reported as done, not "wasn\'t locked"', async () => {
      const deps = createScenario();
      const id = await queued(deps, PEOPLE.locked.chat, TEXT.unlock);
      applyThenHang(deps, 'unlock');
      void executeAction(deps, id);
      await waitFor(() => deps.idp.writes().length === 1);
      await executeAction(deps, id);
      await drainQueue(deps, { only: (job) => job.name !== 'action.execute' });
      expect(deps.idp.writes().map((w) => w.outcome)).toEqual(['done', 'already_done']);
      expect(await stored(deps, id)).toMatchObject({ state: 'succeeded', outcome: { summary: 'unlocked' } });
      expect(deps.chat.allText()).toMatch(/Your account is unlocked/);
      expect(deps.chat.allText()).not.toMatch(/wasn't locked/);
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition not met');
}
