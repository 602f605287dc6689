import { createEntraIdentityFake } from '@keyward/testkit';
import type { EntraIdentityFake, EntraSignIn } from '@keyward/testkit';
import type { Clock } from '@keyward/core';
import { createMemoryKeyValueStore } from './key-value-store';
import { createOidcStepUpVerifier } from './oidc-step-up-verifier';
import type { OidcStepUpVerifier } from './oidc-step-up-verifier';

const ALICE = '2f0f7f2e-1111-4222-8333-444455556666';
const BOB = '9a9a9a9a-1111-4222-8333-444455556666';

describe('OIDC re-authentication step-up (jose against the identity-platform fake)', () => {
  let fake: EntraIdentityFake;
  let now: number;
  let verifier: OidcStepUpVerifier;
  const clock: Clock = { now: () => new Date(now) };

  const make = (authContextId?: string): OidcStepUpVerifier =>
    createOidcStepUpVerifier({
      issuer: fake.issuer,
      clientId: 'keyward-app',
      clientSecret: 'keyward-secret',
      redirectUri: 'https://keyward.example/oidc/callback',
      tenantId: fake.tenantId,
      ...(authContextId ? { authContextId } : {}),
      store: createMemoryKeyValueStore(clock),
      clock,
    });

  /** The browser: follow the sign-in link at the fake, come back to our callback with its query. */
  const signInAs = async (url: string, who: EntraSignIn | null) => {
    fake.nextSignIn = who;
    return verifier.handleCallback(await fake.browse(url));
  };

  beforeEach(async () => {
    fake = await createEntraIdentityFake({ now: () => now });
    now = Date.now();
    verifier = make('c1');
  });
  afterEach(() => fake.close());

  it('sends a link with code+PKCE S256, prompt=login, state, nonce and the authentication-context claims request', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'Reset password' });
    expect(challenge.kind).toBe('link');
    const url = new URL(challenge.url as string);
    expect(url.origin + url.pathname).toBe(`${fake.url}/${fake.tenantId}/oauth2/v2.0/authorize`);
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({ client_id: 'keyward-app', response_type: 'code', code_challenge_method: 'S256', prompt: 'login', redirect_uri: 'https://keyward.example/oidc/callback' });
    expect(q.state).toMatch(/^[\w-]{40,}$/);
    expect(q.nonce).toMatch(/^[\w-]{40,}$/);
    expect(JSON.parse(q.claims as string)).toEqual({ id_token: { acrs: { essential: true, value: 'c1' } } });
    expect(await verifier.poll(ALICE, challenge)).toBe('waiting');
  });

  it('approves after the requester signs in with MFA (amr mfa)', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    const result = await signInAs(challenge.url as string, { oid: ALICE, amr: ['pwd', 'mfa'] });
    expect(result.status).toBe(200);
    expect(await verifier.poll(ALICE, challenge)).toBe('approved');
    expect(fake.tokenRequests.find((t) => t.grantType === 'authorization_code')?.body.code_verifier).toBeDefined();
  });

  it('approves on the requested authentication context in acrs (v2 tokens without amr)', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    expect((await signInAs(challenge.url as string, { oid: ALICE, acrs: ['c1'] })).status).toBe(200);
    expect(await verifier.poll(ALICE, challenge)).toBe('approved');
  });

  it('does NOT accept a valid token without MFA evidence and asks again with the context (F14)', async () => {
    verifier = make(); // no auth context configured: only amr can prove MFA
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    const result = await signInAs(challenge.url as string, { oid: ALICE, amr: ['pwd'] });
    expect(result.status).toBe(401);
    expect(result.retryUrl).toBeDefined();
    expect(await verifier.poll(ALICE, challenge)).toBe('waiting');
    verifier = make('c1');
    const second = await verifier.start(ALICE, { requestId: 'rq_2', actionLabel: 'x' });
    const noAcrs = await signInAs(second.url as string, { oid: ALICE, acrs: ['c2'] });
    expect(noAcrs.status).toBe(401);
    expect(JSON.parse(new URL(noAcrs.retryUrl as string).searchParams.get('claims') as string).id_token.acrs.value).toBe('c1');
    // The retry link works: signing in with MFA then finishes the same transaction.
    expect((await signInAs(noAcrs.retryUrl as string, { oid: ALICE, amr: ['mfa'] })).status).toBe(200);
    expect(await verifier.poll(ALICE, second)).toBe('approved');
  });

  it('rejects another user signing in on the link, and a token from another tenant', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    expect((await signInAs(challenge.url as string, { oid: BOB, amr: ['mfa'] })).status).toBe(403);
    expect(await verifier.poll(ALICE, challenge)).toBe('rejected');
    const other = await verifier.start(ALICE, { requestId: 'rq_2', actionLabel: 'x' });
    expect((await signInAs(other.url as string, { oid: ALICE, tid: 'ffffffff-0000-0000-0000-000000000000', amr: ['mfa'] })).status).toBe(403);
    expect(await verifier.poll(ALICE, other)).toBe('rejected');
  });

  it('rejects a token whose nonce is not the one sent (token injection)', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    expect((await signInAs(challenge.url as string, { oid: ALICE, amr: ['mfa'], claims: { nonce: 'someone-elses' } })).status).toBe(400);
    expect(await verifier.poll(ALICE, challenge)).toBe('rejected');
  });

  it('refuses an unknown or tampered state without touching any transaction', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    fake.nextSignIn = { oid: ALICE, amr: ['mfa'] };
    const query = await fake.browse(challenge.url as string);
    expect((await verifier.handleCallback({ ...query, state: `${query.state}x` })).status).toBe(400);
    expect((await verifier.handleCallback({ code: query.code })).status).toBe(400);
    expect(await verifier.poll(ALICE, challenge)).toBe('waiting');
  });

  it('is single use: replaying the callback (same state and code) is refused', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    fake.nextSignIn = { oid: ALICE, amr: ['mfa'] };
    const query = await fake.browse(challenge.url as string);
    expect((await verifier.handleCallback(query)).status).toBe(200);
    const replay = await verifier.handleCallback(query);
    expect(replay.status).toBe(400);
    expect(replay.title).toMatch(/already used/);
  });

  it('does not accept an expired ID token, a token signed by an unknown key, or a link past its expiry', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    const expired = await signInAs(challenge.url as string, { oid: ALICE, amr: ['mfa'], claims: { exp: Math.floor(now / 1000) - 600 } });
    expect(expired.status).toBe(400);
    const forged = await signInAs(expired.retryUrl as string, { oid: ALICE, amr: ['mfa'], foreignKey: true });
    expect(forged.status).toBe(400);
    expect(await verifier.poll(ALICE, challenge)).toBe('waiting');
    now += 11 * 60_000;
    expect(await verifier.poll(ALICE, challenge)).toBe('timeout');
    expect((await signInAs(forged.retryUrl as string, { oid: ALICE, amr: ['mfa'] })).status).toBe(400);
    expect(await verifier.poll(ALICE, challenge)).toBe('timeout');
  });

  it('a cancelled sign-in leaves the step-up waiting and offers a new link', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    const cancelled = await signInAs(challenge.url as string, null);
    expect(cancelled.status).toBe(400);
    expect(cancelled.retryUrl).toBeDefined();
    expect(await verifier.poll(ALICE, challenge)).toBe('waiting');
  });

  it('a poll for another user never reads someone else’s approval', async () => {
    const challenge = await verifier.start(ALICE, { requestId: 'rq_1', actionLabel: 'x' });
    await signInAs(challenge.url as string, { oid: ALICE, amr: ['mfa'] });
    expect(await verifier.poll(BOB, challenge)).toBe('timeout');
  });
});
