import { AppError } from '../domain/app-error';
import { createFakeIdentityProvider } from './fake-identity-provider';
import type { FakeIdpUser } from './fake-identity-provider';

const user = (id: string, extra: Partial<FakeIdpUser> = {}): FakeIdpUser => ({ id, login: `${id}@x.test`, email: `${id}@x.test`, displayName: id, status: 'ACTIVE', attributes: {}, ...extra });

describe('createFakeIdentityProvider: managers, risk, groups, apps, factor reset', () => {
  it('resolves managers and risk, never oneself as manager, and hides them from getUser', async () => {
    const idp = createFakeIdentityProvider([user('a', { managerId: 'm', risk: 'high' }), user('m'), user('s', { managerId: 's' })]);
    expect((await idp.getManager('a'))?.id).toBe('m');
    expect(await idp.getManager('m')).toBeUndefined();
    expect(await idp.getManager('s')).toBeUndefined();
    expect(await idp.getUserRisk('a')).toBe('high');
    expect(await idp.getUserRisk('m')).toBe('none');
    expect(await idp.getUserRisk('nobody')).toBe('unknown');
    expect(await idp.getUser('a')).not.toHaveProperty('managerId');
    expect(await idp.getUser('a')).not.toHaveProperty('risk');
    idp.setManager('a', undefined);
    idp.setRisk('m', 'medium');
    expect(await idp.getManager('a')).toBeUndefined();
    expect(await idp.getUserRisk('m')).toBe('medium');
  });

  it('finds groups by exact name, adds and removes members idempotently and records the writes', async () => {
    const idp = createFakeIdentityProvider([user('a', { groups: [{ id: 'g1', name: 'design-team' }] }), user('b')], { groups: [{ id: 'g2', name: 'CA Travel Exclusion' }] });
    expect(await idp.findGroupByName('design-team')).toEqual({ id: 'g1', name: 'design-team' });
    expect(await idp.findGroupByName('CA Travel Exclusion')).toEqual({ id: 'g2', name: 'CA Travel Exclusion' });
    expect(await idp.findGroupByName('Design-Team')).toBeUndefined();
    expect(await idp.addGroupMember('g1', 'a', { requestId: 'r1' })).toMatchObject({ outcome: 'already_done' });
    expect(await idp.addGroupMember('g2', 'b', { requestId: 'r2' })).toMatchObject({ outcome: 'done' });
    expect(idp.groupMembers('g2')).toEqual(['b']);
    expect((await idp.listGroups('b')).map((g) => g.name)).toEqual(['CA Travel Exclusion']);
    expect(await idp.removeGroupMember('g2', 'b', { requestId: 'r3' })).toMatchObject({ outcome: 'done' });
    expect(await idp.removeGroupMember('g2', 'b', { requestId: 'r4' })).toMatchObject({ outcome: 'already_done' });
    await expect(idp.addGroupMember('nope', 'b', { requestId: 'r5' })).rejects.toMatchObject({ code: 'idp.not_found' });
    expect(idp.writes().map((w) => [w.op, w.groupId, w.outcome])).toEqual([
      ['addGroupMember', 'g1', 'already_done'],
      ['addGroupMember', 'g2', 'done'],
      ['removeGroupMember', 'g2', 'done'],
      ['removeGroupMember', 'g2', 'already_done'],
    ]);
  });

  it('lists active apps, assigns and unassigns idempotently, resets factors once, and fails on demand', async () => {
    const idp = createFakeIdentityProvider([user('a'), user('g')], { apps: [{ id: 'app1', name: 'Figma', assignedUserIds: ['g'] }, { id: 'app2', name: 'Old', active: false }] });
    expect(await idp.listApps()).toEqual([{ id: 'app1', name: 'Figma' }]);
    expect(await idp.assignApp('app1', 'g', { requestId: 'r1' })).toMatchObject({ outcome: 'already_done' });
    expect(await idp.assignApp('app1', 'a', { requestId: 'r2' })).toMatchObject({ outcome: 'done' });
    expect(idp.appAssignments('app1')).toEqual(['g', 'a']);
    expect(await idp.unassignApp('app1', 'a', { requestId: 'r3' })).toMatchObject({ outcome: 'done' });
    expect(await idp.unassignApp('app1', 'a', { requestId: 'r4' })).toMatchObject({ outcome: 'already_done' });
    expect(await idp.resetFactors('a', { requestId: 'r5' })).toMatchObject({ outcome: 'done' });
    expect(await idp.resetFactors('a', { requestId: 'r6' })).toMatchObject({ outcome: 'already_done' });
    idp.reenrol('a');
    expect(await idp.resetFactors('a', { requestId: 'r7' })).toMatchObject({ outcome: 'done' });
    expect(idp.factorResets('a')).toBe(2);
    idp.failNext('assignApp', new AppError('idp.unavailable', 'lag', { retryable: true }));
    await expect(idp.assignApp('app1', 'a', { requestId: 'r8' })).rejects.toMatchObject({ code: 'idp.unavailable' });
    expect(idp.appAssignments('app1')).toEqual(['g']);
    idp.addApp({ id: 'app3', name: 'Salesforce' });
    expect((await idp.listApps()).map((a) => a.name)).toEqual(['Figma', 'Salesforce']);
  });
});
