import { AppError } from '../domain/app-error';
import type { ServiceRequest } from '../domain/request';
import { createFakeIdentityProvider, createFakeStepUp, createFixedClock, createMemoryQueue, createMemoryRateLimiter, createMemoryRequestStore, createMemoryVault } from './index';

function row(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    id: 'rq_1', version: 1, state: 'received', createdAt: '2025-01-06T09:00:00.000Z', updatedAt: '2025-01-06T09:00:00.000Z',
    sourceEventId: 'Ev1', conversation: { surface: 'console', channelId: 'D1' }, requester: { chatUserId: 'U1' }, params: {}, text: 'hi', messages: {}, approvals: [],
    ...overrides,
  };
}

describe('createMemoryRequestStore', () => {
  it('saves only the next version (compare-and-swap)', async () => {
    const store = createMemoryRequestStore();
    await store.create(row());
    expect(await store.save(row({ version: 3, state: 'understood' }))).toBe(false);
    expect(await store.save(row({ version: 2, state: 'understood' }))).toBe(true);
    expect(await store.save(row({ version: 2, state: 'clarifying' }))).toBe(false);
    expect((await store.get('rq_1'))?.state).toBe('understood');
  });

  it('never overwrites a terminal state, and refuses a save of an unknown row', async () => {
    const store = createMemoryRequestStore();
    await store.create(row({ state: 'succeeded', version: 5 }));
    expect(await store.save(row({ state: 'failed', version: 6 }))).toBe(false);
    expect(await store.save(row({ state: 'succeeded', version: 6 }))).toBe(true);
    expect(await store.save(row({ id: 'rq_other', version: 2 }))).toBe(false);
  });

  it('rejects a second create, hands out copies, dedups event ids and lists newest first', async () => {
    const store = createMemoryRequestStore();
    await store.create(row());
    await expect(store.create(row())).rejects.toBeInstanceOf(AppError);
    const copy = await store.get('rq_1');
    if (copy) copy.state = 'failed';
    expect((await store.get('rq_1'))?.state).toBe('received');
    expect(await store.claimInboundEvent('Ev1', new Date())).toBe(true);
    expect(await store.claimInboundEvent('Ev1', new Date())).toBe(false);
    await store.create(row({ id: 'rq_2', createdAt: '2025-01-06T10:00:00.000Z', state: 'answered' }));
    expect((await store.listByRequester('U1')).map((r) => r.id)).toEqual(['rq_2', 'rq_1']);
    expect((await store.listByRequester('U1', { openOnly: true })).map((r) => r.id)).toEqual(['rq_1']);
    expect(await store.listByRequester('U1', { limit: 1 })).toHaveLength(1);
  });
});

describe('createMemoryVault', () => {
  const now = new Date('2025-01-06T09:00:00.000Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  it('hands the secret once to its owner, before expiry', async () => {
    const vault = createMemoryVault();
    await vault.put('rq', 's3cret', { ownerChatUserId: 'U1', expiresAt: later(1000) });
    await expect(vault.take('rq', 'U2', now)).rejects.toMatchObject({ code: 'secret.forbidden' });
    expect(await vault.take('rq', 'U1', now)).toBe('s3cret');
    await expect(vault.take('rq', 'U1', now)).rejects.toMatchObject({ code: 'secret.not_found' });
  });

  it('forgets an expired secret', async () => {
    const vault = createMemoryVault();
    await vault.put('rq', 's3cret', { ownerChatUserId: 'U1', expiresAt: later(1000) });
    await expect(vault.take('rq', 'U1', later(1000))).rejects.toMatchObject({ code: 'secret.not_found' });
    expect(vault.has('rq')).toBe(false);
  });
});

describe('createMemoryQueue', () => {
  it('dedups by requestId:step and runs jobs in order through a dispatcher', async () => {
    const queue = createMemoryQueue();
    await queue.enqueue({ name: 'request.process', requestId: 'rq', step: 'process' });
    await queue.enqueue({ name: 'request.process', requestId: 'rq', step: 'process' });
    await queue.enqueue({ name: 'stepup.poll', requestId: 'rq', step: 'poll:1', delayMs: 5000 });
    expect(queue.jobs().map((j) => j.id)).toEqual(['rq:process', 'rq:poll:1']);
    expect(queue.duplicatesDropped()).toBe(1);

    const clock = createFixedClock('2025-01-06T09:00:00.000Z');
    const seen: string[] = [];
    await queue.drain(async (job) => {
      seen.push(`${job.id}@${clock.now().toISOString()}`);
    }, { clock });
    expect(seen).toEqual(['rq:process@2025-01-06T09:00:00.000Z', 'rq:poll:1@2025-01-06T09:00:05.000Z']);
    await queue.enqueue({ name: 'request.process', requestId: 'rq', step: 'process' });
    expect(queue.pending()).toEqual([]);
  });

  it('keeps a job that threw pending for a retry, and stops a job that reschedules itself forever', async () => {
    const queue = createMemoryQueue();
    await queue.enqueue({ name: 'action.execute', requestId: 'rq', step: 'execute' });
    await expect(queue.drain(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(queue.pending()).toEqual([expect.objectContaining({ id: 'rq:execute', attempts: 1 })]);

    let n = 0;
    await expect(queue.drain(async () => { n += 1; await queue.enqueue({ name: 'stepup.poll', requestId: 'rq', step: `poll:${n}` }); }, { maxJobs: 5 })).rejects.toThrow(/keeps rescheduling/);
  });
});

describe('createMemoryRateLimiter', () => {
  it('counts allowed attempts in a sliding window; a refused attempt is not counted', async () => {
    const limiter = createMemoryRateLimiter();
    const t0 = new Date('2025-01-06T09:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await limiter.hit('k', 2, 1000, at(0))).toEqual({ allowed: true, count: 1 });
    expect(await limiter.hit('k', 2, 1000, at(500))).toEqual({ allowed: true, count: 2 });
    expect(await limiter.hit('k', 2, 1000, at(900))).toEqual({ allowed: false, count: 2 });
    // Only the attempt at 500 is still in the window: the refused one at 900 was never counted.
    expect(await limiter.hit('k', 2, 1000, at(1200))).toEqual({ allowed: true, count: 2 });
    expect(await limiter.hit('other', 2, 1000, at(1600))).toEqual({ allowed: true, count: 1 });
    expect(limiter.hits('k')).toBe(3);
  });

  it('counts an attempt id once, and reads the window without recording', async () => {
    const limiter = createMemoryRateLimiter();
    const now = new Date('2025-01-06T09:00:00.000Z');
    expect(await limiter.hit('v', 5, 1000, now, 'rq_1')).toEqual({ allowed: true, count: 1 });
    expect(await limiter.hit('v', 5, 1000, now, 'rq_1')).toEqual({ allowed: true, count: 1 });
    expect(await limiter.count('v', 1000, now)).toBe(1);
    expect(await limiter.count('v', 1000, new Date(now.getTime() + 1000))).toBe(0);
  });
});

describe('createFakeIdentityProvider and createFakeStepUp', () => {
  it('finds users by email case-insensitively, records writes and throws given errors once', async () => {
    const idp = createFakeIdentityProvider([{ id: 'u1', login: 'a', email: 'A@x.test', displayName: 'A', status: 'LOCKED_OUT', attributes: {}, adminRoles: ['SUPER_ADMIN'] }]);
    expect((await idp.findUsersByEmail('a@X.test')).map((u) => u.id)).toEqual(['u1']);
    expect(await idp.getUser('u1')).not.toHaveProperty('adminRoles');
    expect(await idp.listAdminRoles('u1')).toEqual(['SUPER_ADMIN']);
    await expect(idp.getUser('nope')).rejects.toMatchObject({ code: 'idp.not_found' });
    idp.failNext('unlock', new AppError('idp.unavailable', 'down', { retryable: true }));
    await expect(idp.unlock('u1', { requestId: 'rq' })).rejects.toMatchObject({ code: 'idp.unavailable' });
    expect(await idp.unlock('u1', { requestId: 'rq' })).toMatchObject({ outcome: 'done' });
    expect(await idp.unlock('u1', { requestId: 'rq' })).toMatchObject({ outcome: 'already_done' });
    expect(idp.writes().map((w) => w.outcome)).toEqual(['done', 'already_done']);
  });

  it('starts numbered challenges, answers polls per transaction, and has no factor for listed users', async () => {
    const stepUp = createFakeStepUp({ clock: createFixedClock(), usersWithoutFactor: ['u2'] });
    const a = await stepUp.start('u1', { requestId: 'rq1', actionLabel: 'Reset your password' });
    const b = await stepUp.start('u1', { requestId: 'rq2', actionLabel: 'Reset your password' });
    expect(a.numberChallenge).not.toBe(b.numberChallenge);
    stepUp.setResult(a.transactionId, 'approved');
    expect(await stepUp.poll('u1', a)).toBe('approved');
    expect(await stepUp.poll('u1', b)).toBe('waiting');
    await expect(stepUp.start('u2', { requestId: 'rq3', actionLabel: 'x' })).rejects.toMatchObject({ code: 'stepup.no_factor' });
  });
});
