import { AppError } from '@keyward/core';
import type { IdentityProvider } from '@keyward/core';
import { createOktaFake, demoDirectory, DEMO_USER_IDS } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';
import { createOktaIdentityProvider } from './index';

/** The real adapter (real @okta/okta-sdk-nodejs client) against the HTTP fake of the Okta API. */
describe('createOktaIdentityProvider against the Okta fake', () => {
  let fake: OktaFake;
  let idp: IdentityProvider;

  beforeEach(async () => {
    fake = await createOktaFake({ seed: demoDirectory });
    idp = createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'api_token', token: fake.apiToken }, requestTimeoutMs: 2000 });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function expectAppError(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise;
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return e as AppError;
    }
    throw new Error('expected an AppError');
  }

  describe('lookups', () => {
    it('resolves a user whose login differs from the email', async () => {
      const users = await idp.findUsersByEmail('ALICE@example.com');
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({ id: DEMO_USER_IDS.alice, login: 'alice.walker@example.com', email: 'alice@example.com', displayName: 'Alice Walker', status: 'ACTIVE' });
      expect(users[0]?.attributes.department).toBe('Design');
    });

    it('returns every user sharing a primary email, so the caller can refuse the ambiguity', async () => {
      fake.addUser({ login: 'alice.second@example.com', email: 'alice@example.com', firstName: 'Alice', lastName: 'Second' });
      const users = await idp.findUsersByEmail('alice@example.com');
      expect(users.map((u) => u.login).sort()).toEqual(['alice.second@example.com', 'alice.walker@example.com']);
    });

    it('escapes the email so a quote cannot widen the search', async () => {
      await expect(idp.findUsersByEmail('x" or profile.email eq "bob@example.com')).resolves.toEqual([]);
      const searched = fake.requests().find((r) => r.operation === 'listUsers');
      expect(decodeURIComponent(searched?.path.replace(/\+/g, ' ') ?? '')).toContain('profile.email eq "x\\" or profile.email eq \\"bob@example.com"');
    });

    it('returns an empty list when nobody has the email', async () => {
      await expect(idp.findUsersByEmail('nobody@example.com')).resolves.toEqual([]);
    });

    it('maps an unknown user id to idp.not_found (not retryable)', async () => {
      const err = await expectAppError(idp.getUser('00unknown0000000000'));
      expect(err.code).toBe('idp.not_found');
      expect(err.retryable).toBe(false);
    });

    it('sees a lockout done out of band (no GET cache)', async () => {
      expect((await idp.getUser(DEMO_USER_IDS.alice)).status).toBe('ACTIVE');
      fake.lockOut(DEMO_USER_IDS.alice);
      expect((await idp.getUser(DEMO_USER_IDS.alice)).status).toBe('LOCKED_OUT');
    });
  });

  describe('roles and groups', () => {
    it('lists admin roles, empty for an ordinary user', async () => {
      await expect(idp.listAdminRoles(DEMO_USER_IDS.carol)).resolves.toEqual(['SUPER_ADMIN']);
      await expect(idp.listAdminRoles(DEMO_USER_IDS.alice)).resolves.toEqual([]);
    });

    it('sees membership number 250, past the 200-per-page boundary', async () => {
      const userId = fake.addUser({ login: 'many@example.com', email: 'many@example.com', firstName: 'Many', lastName: 'Groups' });
      for (let i = 1; i <= 260; i += 1) fake.addMember(fake.addGroup({ name: `team-${String(i).padStart(3, '0')}` }), userId);
      const groups = await idp.listGroups(userId);
      expect(groups).toHaveLength(260);
      expect(groups.map((g) => g.name)).toContain('team-250');
      expect(fake.requests().filter((r) => r.operation === 'listUserGroups')).toHaveLength(2);
    });

    it('lists the privileged group of a member', async () => {
      const names = (await idp.listGroups(DEMO_USER_IDS.erin)).map((g) => g.name);
      expect(names).toEqual(expect.arrayContaining(['Everyone', 'engineering', 'Okta Administrators']));
    });
  });

  describe('writes', () => {
    it('returns a one-time reset link with exactly one IdP write and its request id', async () => {
      fake.clearRequests();
      const result = await idp.resetPassword(DEMO_USER_IDS.alice, { revokeSessions: false, requestId: 'req-1' });
      expect(result.secret.kind).toBe('reset_link');
      expect(result.secret.value).toMatch(new RegExp(`^${fake.url}/signin/reset-password/[A-Za-z0-9_-]+$`));
      const writes = fake.writes();
      expect(writes).toHaveLength(1);
      expect(writes[0]?.path).toContain('sendEmail=false');
      expect(result.idpRequestId).toBe(writes[0]?.requestId);
      expect(fake.user(DEMO_USER_IDS.alice)).toMatchObject({ status: 'RECOVERY', sessions: 1 });
    });

    it('revokes sessions with the reset when asked (F13)', async () => {
      await idp.resetPassword(DEMO_USER_IDS.alice, { revokeSessions: true, requestId: 'req-2' });
      expect(fake.writes()[0]?.path).toContain('revokeSessions=true');
      expect(fake.user(DEMO_USER_IDS.alice)?.sessions).toBe(0);
    });

    it('unlocks a locked-out user', async () => {
      const result = await idp.unlock(DEMO_USER_IDS.bob, { requestId: 'req-3' });
      expect(result.outcome).toBe('done');
      expect(result.idpRequestId).toBe(fake.writes()[0]?.requestId);
      expect(fake.user(DEMO_USER_IDS.bob)?.status).toBe('ACTIVE');
    });

    it('treats unlocking a user who is not locked as already done', async () => {
      const result = await idp.unlock(DEMO_USER_IDS.alice, { requestId: 'req-4' });
      expect(result).toEqual({ outcome: 'already_done', idpRequestId: fake.writes()[0]?.requestId });
      expect(fake.writes()).toHaveLength(1);
    });

    it('clears sessions', async () => {
      const result = await idp.clearSessions(DEMO_USER_IDS.alice, { requestId: 'req-5' });
      expect(result.outcome).toBe('done');
      expect(result.idpRequestId).toEqual(expect.any(String));
      expect(fake.user(DEMO_USER_IDS.alice)?.sessions).toBe(0);
      expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`DELETE /api/v1/users/${DEMO_USER_IDS.alice}/sessions?oauthTokens=true`]);
    });
  });

  describe('failures', () => {
    it('turns a 429 into idp.rate_limited with retryAfterMs from X-Rate-Limit-Reset, without SDK retries', async () => {
      fake.injectFault({ operation: 'unlockUser', kind: 'rate_limit', resetInSeconds: 30 });
      const started = Date.now();
      const err = await expectAppError(idp.unlock(DEMO_USER_IDS.bob, { requestId: 'req-6' }));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err.code).toBe('idp.rate_limited');
      expect(err.retryable).toBe(true);
      // Reset is 30 s after the fake's clock; the wait is measured against the response Date (±1 s granularity).
      expect(err.retryAfterMs).toBeGreaterThanOrEqual(29_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(32_000);
      expect(fake.writes()).toHaveLength(1);
      expect(fake.user(DEMO_USER_IDS.bob)?.status).toBe('LOCKED_OUT');
    });

    it('turns a 500 into retryable idp.unavailable', async () => {
      fake.injectFault({ operation: 'getUser', kind: 'server_error' });
      const err = await expectAppError(idp.getUser(DEMO_USER_IDS.alice));
      expect(err).toMatchObject({ code: 'idp.unavailable', retryable: true });
      expect(err.details?.oktaRequestId).toEqual(fake.requests()[0]?.requestId);
    });

    it('turns a hung call into retryable idp.unavailable after the request timeout', async () => {
      fake.injectFault({ operation: 'listUserGroups', kind: 'hang' });
      const err = await expectAppError(idp.listGroups(DEMO_USER_IDS.alice));
      expect(err).toMatchObject({ code: 'idp.unavailable', retryable: true });
    });

    it('turns a reset connection into retryable idp.unavailable', async () => {
      fake.injectFault({ operation: 'getUser', kind: 'reset' });
      const err = await expectAppError(idp.getUser(DEMO_USER_IDS.alice));
      expect(err).toMatchObject({ code: 'idp.unavailable', retryable: true });
    });

    it('turns a bad token into non-retryable idp.denied', async () => {
      const wrong = createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'api_token', token: 'not-the-token' } });
      const err = await expectAppError(wrong.getUser(DEMO_USER_IDS.alice));
      expect(err).toMatchObject({ code: 'idp.denied', retryable: false });
      expect(err.details?.errorCode).toBe('E0000011');
    });
  });
});
