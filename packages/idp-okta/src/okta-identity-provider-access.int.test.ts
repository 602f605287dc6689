import { AppError } from '@keyward/core';
import type { IdentityProvider } from '@keyward/core';
import { createOktaFake, demoDirectory, DEMO_APP_IDS, DEMO_GROUP_IDS, DEMO_USER_IDS } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';
import { createOktaIdentityProvider } from './index';

/**
 * Managers, risk, group and app catalogue, membership and assignment writes, factor reset: the real
 * adapter (real @okta/okta-sdk-nodejs client) against the HTTP fake of the Okta API.
 */
describe('Okta adapter: managers, risk, groups, apps, factor reset', () => {
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
  const ops = (): string[] => fake.requests().map((r) => r.operation);
  const writeOps = (): string[] => fake.writes().map((w) => w.operation);

  describe('getManager', () => {
    it('resolves profile.managerId to the manager', async () => {
      const manager = await idp.getManager(DEMO_USER_IDS.alice);
      expect(manager).toMatchObject({ id: DEMO_USER_IDS.frank, email: 'frank@example.com', displayName: 'Frank Osei' });
    });

    it('falls back to a login-shaped profile.manager, searched by login', async () => {
      const manager = await idp.getManager(DEMO_USER_IDS.hank);
      expect(manager?.id).toBe(DEMO_USER_IDS.frank);
      const search = fake.requests().find((r) => r.operation === 'listUsers');
      expect(decodeURIComponent(search?.path.replace(/\+/g, ' ') ?? '')).toContain('profile.login eq "frank@example.com"');
    });

    it('falls back to profile.manager when managerId points at a deleted user', async () => {
      const id = fake.addUser({ login: 'ivy@example.com', email: 'ivy@example.com', firstName: 'Ivy', lastName: 'Lee', profile: { managerId: '00udeletedmanager000', manager: 'frank@example.com' } });
      expect((await idp.getManager(id))?.id).toBe(DEMO_USER_IDS.frank);
    });

    it('is undefined without a manager, for a display name, and for oneself', async () => {
      await expect(idp.getManager(DEMO_USER_IDS.frank)).resolves.toBeUndefined();
      const byName = fake.addUser({ login: 'jo@example.com', email: 'jo@example.com', firstName: 'Jo', lastName: 'Park', profile: { manager: 'Frank Osei' } });
      await expect(idp.getManager(byName)).resolves.toBeUndefined();
      // A display name is never turned into a user search.
      expect(ops().filter((o) => o === 'listUsers')).toEqual([]);
      const self = fake.addUser({ login: 'kim@example.com', email: 'kim@example.com', firstName: 'Kim', lastName: 'Self', profile: { manager: 'kim@example.com' } });
      await expect(idp.getManager(self)).resolves.toBeUndefined();
    });

    it('never sends a non-id managerId to getUser (which would accept a login shortname)', async () => {
      const id = fake.addUser({ login: 'lu@example.com', email: 'lu@example.com', firstName: 'Lu', lastName: 'Ma', profile: { managerId: 'frank' } });
      await expect(idp.getManager(id)).resolves.toBeUndefined();
      expect(fake.requests().filter((r) => r.operation === 'getUser').map((r) => r.path)).toEqual([`/api/v1/users/${id}`]);
    });
  });

  describe('getUserRisk', () => {
    it('maps Okta risk levels', async () => {
      await expect(idp.getUserRisk(DEMO_USER_IDS.alice)).resolves.toBe('none');
      fake.setUserRisk(DEMO_USER_IDS.alice, 'HIGH');
      await expect(idp.getUserRisk(DEMO_USER_IDS.alice)).resolves.toBe('high');
      fake.setUserRisk(DEMO_USER_IDS.alice, 'MEDIUM');
      await expect(idp.getUserRisk(DEMO_USER_IDS.alice)).resolves.toBe('medium');
      fake.setUserRisk(DEMO_USER_IDS.alice, 'LOW');
      await expect(idp.getUserRisk(DEMO_USER_IDS.alice)).resolves.toBe('low');
    });

    it('is unknown when the feature is off (403 E0000015), without permission (403 E0000006) or for an unknown user (404)', async () => {
      fake.setUserRisk(DEMO_USER_IDS.alice, 'HIGH');
      fake.setRiskEngine('feature_disabled');
      await expect(idp.getUserRisk(DEMO_USER_IDS.alice)).resolves.toBe('unknown');
      fake.setRiskEngine('forbidden');
      await expect(idp.getUserRisk(DEMO_USER_IDS.alice)).resolves.toBe('unknown');
      fake.setRiskEngine('enabled');
      await expect(idp.getUserRisk('00unobody00000000000')).resolves.toBe('unknown');
      expect(fake.requests().map((r) => r.status)).toEqual([403, 403, 404]);
    });

    it('throws a retryable error on a 429 instead of skipping the check', async () => {
      fake.injectFault({ operation: 'getUserRisk', kind: 'rate_limit', resetInSeconds: 10 });
      const err = await expectAppError(idp.getUserRisk(DEMO_USER_IDS.alice));
      expect(err).toMatchObject({ code: 'idp.rate_limited', retryable: true });
    });
  });

  describe('findGroupByName', () => {
    it('finds a group by its exact name, escaping the value', async () => {
      await expect(idp.findGroupByName('CA Travel Exclusion')).resolves.toEqual({ id: DEMO_GROUP_IDS.caTravelExclusion, name: 'CA Travel Exclusion' });
      await expect(idp.findGroupByName('design-team" or profile.name eq "Okta Administrators')).resolves.toBeUndefined();
    });

    it('requires the exact case although Okta search ignores it', async () => {
      await expect(idp.findGroupByName('Design-Team')).resolves.toBeUndefined();
      expect(fake.requests().find((r) => r.operation === 'listGroups')?.status).toBe(200);
    });

    it('is undefined for an unknown name', async () => {
      await expect(idp.findGroupByName('no-such-group')).resolves.toBeUndefined();
    });

    it('follows pages past 200 and prefers the one OKTA_GROUP over same-named imported groups', async () => {
      for (let i = 0; i < 230; i += 1) fake.addGroup({ name: 'sales', type: 'APP_GROUP' });
      const oktaGroup = fake.addGroup({ name: 'sales' });
      await expect(idp.findGroupByName('sales')).resolves.toEqual({ id: oktaGroup, name: 'sales' });
      expect(ops().filter((o) => o === 'listGroups')).toHaveLength(2);
    });

    it('refuses to guess between two same-named groups of which none is the OKTA_GROUP', async () => {
      fake.addGroup({ name: 'ad-sales', type: 'APP_GROUP' });
      fake.addGroup({ name: 'ad-sales', type: 'APP_GROUP' });
      const err = await expectAppError(idp.findGroupByName('ad-sales'));
      expect(err.code).toBe('idp.bad_response');
    });
  });

  describe('listApps', () => {
    it('lists active apps by label', async () => {
      fake.addApp({ label: 'Old CRM', status: 'INACTIVE' });
      await expect(idp.listApps()).resolves.toEqual([
        { id: DEMO_APP_IDS.figma, name: 'Figma' },
        { id: DEMO_APP_IDS.salesforce, name: 'Salesforce' },
      ]);
      expect(decodeURIComponent(fake.requests()[0]?.path.replace(/\+/g, ' ') ?? '')).toContain('filter=status eq "ACTIVE"');
    });

    it('reads every page past 200 apps (F07)', async () => {
      for (let i = 1; i <= 250; i += 1) fake.addApp({ label: `App ${String(i).padStart(3, '0')}` });
      const apps = await idp.listApps();
      expect(apps).toHaveLength(252);
      expect(apps.map((a) => a.name)).toContain('App 250');
      expect(ops().filter((o) => o === 'listApplications')).toHaveLength(2);
    });
  });

  describe('group membership', () => {
    it('adds a member with one PUT and its request id', async () => {
      const result = await idp.addGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.bob, { requestId: 'rq-1' });
      expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PUT /api/v1/groups/${DEMO_GROUP_IDS.designTeam}/users/${DEMO_USER_IDS.bob}`]);
      expect(result).toEqual({ outcome: 'done', idpRequestId: fake.writes()[0]?.requestId });
      expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).toContain(DEMO_USER_IDS.bob);
    });

    it('reports an existing member as already done without writing (F09)', async () => {
      const result = await idp.addGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.alice, { requestId: 'rq-2' });
      expect(result.outcome).toBe('already_done');
      expect(result.idpRequestId).toBe(fake.requests().find((r) => r.operation === 'listUserGroups')?.requestId);
      expect(fake.writes()).toEqual([]);
    });

    it('sees membership number 250 before adding: already done, no add call (F07)', async () => {
      for (let i = 1; i <= 260; i += 1) fake.addMember(fake.addGroup({ name: `team-${String(i).padStart(3, '0')}` }), DEMO_USER_IDS.alice);
      // The newest membership is the last of 262, on the second 200-item page.
      const last = fake.user(DEMO_USER_IDS.alice)?.groupIds.at(-1) as string;
      await expect(idp.addGroupMember(last, DEMO_USER_IDS.alice, { requestId: 'rq-3' })).resolves.toMatchObject({ outcome: 'already_done' });
      expect(fake.writes()).toEqual([]);
      expect(ops().filter((o) => o === 'listUserGroups')).toHaveLength(2);
    });

    it('turns a 429 on the add into idp.rate_limited with the wait from X-Rate-Limit-Reset (F06)', async () => {
      fake.injectFault({ operation: 'assignUserToGroup', kind: 'rate_limit', resetInSeconds: 30 });
      const err = await expectAppError(idp.addGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.bob, { requestId: 'rq-4' }));
      expect(err).toMatchObject({ code: 'idp.rate_limited', retryable: true });
      expect(err.retryAfterMs).toBeGreaterThanOrEqual(29_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(32_000);
      expect(err.details?.oktaRequestId).toBe(fake.writes()[0]?.requestId);
      expect(fake.writes()).toHaveLength(1);
      expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(DEMO_USER_IDS.bob);
    });

    it('refuses (403, not retryable) a membership change of a non-OKTA_GROUP', async () => {
      const err = await expectAppError(idp.addGroupMember(DEMO_GROUP_IDS.everyone, fake.addUser({ login: 'n@example.com', email: 'n@example.com', firstName: 'N', lastName: 'O' }), { requestId: 'rq-5' }));
      expect(err).toMatchObject({ code: 'idp.denied', retryable: false });
    });

    it('removes a member with one DELETE of the membership', async () => {
      const result = await idp.removeGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.alice, { requestId: 'rq-6' });
      expect(result).toEqual({ outcome: 'done', idpRequestId: fake.writes()[0]?.requestId });
      expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`DELETE /api/v1/groups/${DEMO_GROUP_IDS.designTeam}/users/${DEMO_USER_IDS.alice}`]);
      expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(DEMO_USER_IDS.alice);
      expect(fake.user(DEMO_USER_IDS.alice)?.status).toBe('ACTIVE');
    });

    it('reports removing a non-member as already done, after confirming it', async () => {
      const result = await idp.removeGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.bob, { requestId: 'rq-7' });
      expect(result).toEqual({ outcome: 'already_done', idpRequestId: fake.writes()[0]?.requestId });
      expect(ops()).toEqual(['unassignUserFromGroup', 'listUserGroups']);
    });
  });

  describe('app assignment', () => {
    it('assigns an app with { id, scope: USER }', async () => {
      const result = await idp.assignApp(DEMO_APP_IDS.figma, DEMO_USER_IDS.alice, { requestId: 'rq-8' });
      expect(result).toEqual({ outcome: 'done', idpRequestId: fake.writes()[0]?.requestId });
      expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /api/v1/apps/${DEMO_APP_IDS.figma}/users`]);
      expect(fake.appAssignments('Figma')).toEqual([DEMO_USER_IDS.grace, DEMO_USER_IDS.alice]);
    });

    it('reports an existing assignment as already done without writing', async () => {
      const result = await idp.assignApp(DEMO_APP_IDS.figma, DEMO_USER_IDS.grace, { requestId: 'rq-9' });
      expect(result).toEqual({ outcome: 'already_done', idpRequestId: fake.requests()[0]?.requestId });
      expect(fake.writes()).toEqual([]);
    });

    it('unassigns, and reports a missing assignment as already done', async () => {
      await expect(idp.unassignApp(DEMO_APP_IDS.salesforce, DEMO_USER_IDS.bob, { requestId: 'rq-10' })).resolves.toMatchObject({ outcome: 'done' });
      expect(fake.appAssignments(DEMO_APP_IDS.salesforce)).toEqual([]);
      await expect(idp.unassignApp(DEMO_APP_IDS.salesforce, DEMO_USER_IDS.bob, { requestId: 'rq-11' })).resolves.toMatchObject({ outcome: 'already_done' });
      expect(writeOps()).toEqual(['unassignUserFromApplication', 'unassignUserFromApplication']);
    });
  });

  describe('resetFactors', () => {
    it('resets every factor with one write, then is already done', async () => {
      const result = await idp.resetFactors(DEMO_USER_IDS.alice, { requestId: 'rq-12' });
      expect(result).toEqual({ outcome: 'done', idpRequestId: fake.writes()[0]?.requestId });
      expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /api/v1/users/${DEMO_USER_IDS.alice}/lifecycle/reset_factors`]);
      expect(fake.user(DEMO_USER_IDS.alice)).toMatchObject({ factorIds: [], status: 'ACTIVE' });
      await expect(idp.resetFactors(DEMO_USER_IDS.alice, { requestId: 'rq-13' })).resolves.toMatchObject({ outcome: 'already_done' });
      expect(fake.writes()).toHaveLength(1);
    });
  });

  describe('404 on a write (F12: replication lag right after creation)', () => {
    /** A user the write's replica has not seen yet: every call for them 404s once. */
    function lagOnce(operation: string): void {
      fake.injectFault({ operation, kind: 'not_found' });
    }

    it.each([
      ['assignUserToGroup', (p: IdentityProvider, u: string) => p.addGroupMember(DEMO_GROUP_IDS.designTeam, u, { requestId: 'rq' })],
      ['assignUserToApplication', (p: IdentityProvider, u: string) => p.assignApp(DEMO_APP_IDS.figma, u, { requestId: 'rq' })],
      ['resetFactors', (p: IdentityProvider, u: string) => p.resetFactors(u, { requestId: 'rq' })],
    ])('%s: a 404 for a user who exists is retryable idp.unavailable, and the retry succeeds', async (operation, write) => {
      const newHire = fake.addUser({ login: 'new.hire@example.com', email: 'new.hire@example.com', firstName: 'New', lastName: 'Hire', factors: [{ factorType: 'push' }] });
      lagOnce(operation);
      const err = await expectAppError(write(idp, newHire));
      expect(err).toMatchObject({ code: 'idp.unavailable', retryable: true });
      expect(err.details?.reason).toBe('replication_lag');
      await expect(write(idp, newHire)).resolves.toMatchObject({ outcome: 'done' });
    });

    it('keeps idp.not_found (not retryable) when the user really does not exist', async () => {
      const err = await expectAppError(idp.addGroupMember(DEMO_GROUP_IDS.designTeam, '00unobody00000000000', { requestId: 'rq' }));
      expect(err).toMatchObject({ code: 'idp.not_found', retryable: false });
    });

    it('keeps idp.not_found for reads', async () => {
      const err = await expectAppError(idp.getUser('00unobody00000000000'));
      expect(err).toMatchObject({ code: 'idp.not_found', retryable: false });
    });

    it('does not call a lagging removal already done while the membership is still visible', async () => {
      lagOnce('unassignUserFromGroup');
      const err = await expectAppError(idp.removeGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.alice, { requestId: 'rq' }));
      expect(err).toMatchObject({ code: 'idp.unavailable', retryable: true });
      expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).toContain(DEMO_USER_IDS.alice);
      await expect(idp.removeGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.alice, { requestId: 'rq' })).resolves.toMatchObject({ outcome: 'done' });
    });

    it('does not call a lagging unassignment already done while the assignment is still visible', async () => {
      lagOnce('unassignUserFromApplication');
      const err = await expectAppError(idp.unassignApp(DEMO_APP_IDS.figma, DEMO_USER_IDS.grace, { requestId: 'rq' }));
      expect(err).toMatchObject({ code: 'idp.unavailable', retryable: true });
      expect(fake.appAssignments(DEMO_APP_IDS.figma)).toContain(DEMO_USER_IDS.grace);
    });
  });
});
