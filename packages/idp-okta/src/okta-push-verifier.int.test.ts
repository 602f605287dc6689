import { AppError } from '@keyward/core';
import type { StepUpVerifier } from '@keyward/core';
import { createOktaFake, demoDirectory, DEMO_USER_IDS } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';
import { createOktaPushVerifier } from './index';

describe('createOktaPushVerifier against the Okta fake', () => {
  let fake: OktaFake;
  let verifier: StepUpVerifier;
  let now = Date.now();

  beforeEach(async () => {
    now = Date.now();
    fake = await createOktaFake({ seed: demoDirectory, now: () => now });
    verifier = createOktaPushVerifier({ orgUrl: fake.url, auth: { kind: 'api_token', token: fake.apiToken }, userAgent: 'Keyward/test' });
  });
  afterEach(async () => {
    await fake.close();
  });

  const context = { requestId: 'req-1', actionLabel: 'Reset your password' };

  it('sends a number-matching push and returns the transaction, number and expiry', async () => {
    const challenge = await verifier.start(DEMO_USER_IDS.alice, context);
    const [pending] = fake.pendingPushes(DEMO_USER_IDS.alice);
    expect(pending).toBeDefined();
    expect(challenge).toMatchObject({ transactionId: pending?.transactionId, factorId: 'opfdemoalice00000000', factorType: 'push', numberChallenge: pending?.correctAnswer });
    expect(challenge.numberChallenge).toBeGreaterThanOrEqual(1);
    expect(challenge.numberChallenge).toBeLessThanOrEqual(99);
    expect(pending?.choices).toContain(challenge.numberChallenge);
    expect(challenge.expiresAt.getTime()).toBe(new Date(pending?.expiresAt ?? 0).getTime());
    expect(pending?.userAgent).toContain('Keyward/test');
    await expect(verifier.poll(DEMO_USER_IDS.alice, challenge)).resolves.toBe('waiting');
  });

  it('reports approved when the right number is tapped', async () => {
    const challenge = await verifier.start(DEMO_USER_IDS.alice, context);
    fake.approvePush(challenge.transactionId, challenge.numberChallenge);
    await expect(verifier.poll(DEMO_USER_IDS.alice, challenge)).resolves.toBe('approved');
  });

  it('reports rejected when the wrong number is tapped', async () => {
    const challenge = await verifier.start(DEMO_USER_IDS.alice, context);
    fake.approvePush(challenge.transactionId, ((challenge.numberChallenge ?? 0) % 99) + 1);
    await expect(verifier.poll(DEMO_USER_IDS.alice, challenge)).resolves.toBe('rejected');
  });

  it('reports rejected when the user denies', async () => {
    const challenge = await verifier.start(DEMO_USER_IDS.alice, context);
    fake.denyPush(challenge.transactionId);
    await expect(verifier.poll(DEMO_USER_IDS.alice, challenge)).resolves.toBe('rejected');
  });

  it('reports timeout once the push outlives its lifetime', async () => {
    const challenge = await verifier.start(DEMO_USER_IDS.alice, context);
    now += 5 * 60 * 1000 + 1;
    await expect(verifier.poll(DEMO_USER_IDS.alice, challenge)).resolves.toBe('timeout');
    expect(fake.pendingPushes(DEMO_USER_IDS.alice)).toEqual([]);
  });

  it('refuses with stepup.no_factor when the user has no active push factor', async () => {
    const err = await verifier.start(DEMO_USER_IDS.dave, context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('stepup.no_factor');
    expect(fake.requests().filter((r) => r.operation === 'verifyFactor')).toEqual([]);
  });

  it('surfaces a rate-limited push as idp.rate_limited', async () => {
    fake.injectFault({ operation: 'verifyFactor', kind: 'rate_limit', resetInSeconds: 10 });
    const err = await verifier.start(DEMO_USER_IDS.alice, context).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'idp.rate_limited', retryable: true });
    expect((err as AppError).retryAfterMs).toBeGreaterThanOrEqual(9_000);
  });
});
