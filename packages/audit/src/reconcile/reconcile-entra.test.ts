import { clientRequestGuid } from '@keyward/core';
import type { AuditRecord } from '@keyward/core';
import { sampleAuditEvent } from '../audit-test-events';
import { parseEntraAuditExport } from './entra-directory-audit';
import type { EntraDirectoryAudit } from './entra-directory-audit';
import { formatEntraReconcileReport, isEntraReconciled, reconcileEntra } from './reconcile-entra';

// Keyward's app registration: application (client) id and its service principal's object id.
const BOT_APP_ID = '3f9a1c2e-7b4d-4e8a-9c61-2d5e8f0a1b3c';
const BOT_SP_ID = 'b7e2d4f1-0c3a-4b59-8e16-5a9d2c7f4e80';
const ALICE = '6a1f3e2d-4c5b-4a79-8e0d-1f2a3b4c5d6e';
const BOB = '9c8b7a6d-5e4f-4321-9fed-cba987654321';
const SALES_GROUP = 'e1d2c3b4-a5f6-4789-8abc-def012345678';
const JIRA_SP = '0f1e2d3c-4b5a-4697-8877-665544332211';

function ours(seq: number, idpRequestId: string, action: string, target: string, at: string, overrides: { requestId?: string; type?: string } = {}): AuditRecord {
  const event = sampleAuditEvent(seq, { requestId: overrides.requestId ?? `rq_${String(seq).padStart(24, '0')}`, type: overrides.type ?? 'request.succeeded', action, target: { idpUserId: target }, idpRequestId, at: new Date(at) });
  return { ...event, seq, prevHash: 'p', hash: `h${seq}` };
}

/**
 * A directoryAudit record by Keyward's service principal, shaped like the List directoryAudits
 * response (Graph v1.0): app-only initiator, a User target, Core Directory.
 */
function entra(correlationId: string, activityDisplayName: string, target: string, activityDateTime: string, overrides: Partial<EntraDirectoryAudit> = {}): EntraDirectoryAudit {
  return {
    id: `Directory_${correlationId}_${activityDisplayName.replace(/\W+/g, '')}`,
    category: 'UserManagement',
    correlationId,
    result: 'success',
    resultReason: '',
    activityDisplayName,
    activityDateTime,
    loggedByService: 'Core Directory',
    operationType: 'Update',
    initiatedBy: { app: { appId: BOT_APP_ID, displayName: 'Keyward', servicePrincipalId: BOT_SP_ID, servicePrincipalName: null }, user: null },
    targetResources: [{ id: target, displayName: 'Alice Example', type: 'User', userPrincipalName: 'alice@contoso.example', groupType: null }],
    additionalDetails: [{ key: 'User-Agent', value: 'keyward' }],
    ...overrides,
  };
}

const groupTargets = (user: string): EntraDirectoryAudit['targetResources'] => [
  { id: user, displayName: 'Alice Example', type: 'User', userPrincipalName: 'alice@contoso.example' },
  { id: SALES_GROUP, displayName: 'Sales', type: 'Group', userPrincipalName: null, groupType: 'azureAD' },
];

describe('reconcileEntra', () => {
  it('joins on the GUID the adapter sends as client-request-id (correlationId = clientRequestGuid(requestId))', () => {
    const requestId = 'rq_00000000000000000000abcd';
    const audit = [ours(1, 'ffffffff-0000-4000-8000-00000000ffff', 'password_reset', ALICE, '2025-05-01T10:00:02Z', { requestId })];
    // Hours away from our event: only the request-id join can pair them (the target/time pass cannot).
    const log = [entra(clientRequestGuid(requestId).toUpperCase(), 'Reset user password', ALICE, '2025-05-01T15:00:00Z')];
    const report = reconcileEntra(audit, log, { actorIds: [BOT_APP_ID] });
    expect(report.matched).toHaveLength(1);
    expect(report.oursOnly).toEqual([]);
    expect(report.entraOnly).toEqual([]);
  });

  it('finds every one of our writes, joined on the Graph request-id, and absorbs the extra records of one write by target and time', () => {
    const audit = [
      // GUIDs compare case-insensitively: the request-id header and the audit record may differ in case.
      ours(1, 'A0000001-0000-4000-8000-000000000001', 'password_reset', ALICE, '2025-05-01T10:00:02Z'),
      ours(2, 'A0000001-0000-4000-8000-000000000001', 'password_reset', ALICE, '2025-05-01T10:00:05Z'), // same write on a later event: counted once
      ours(3, 'a0000002-0000-4000-8000-000000000002', 'session_revoke', ALICE, '2025-05-01T10:10:01Z'),
      ours(4, 'a0000003-0000-4000-8000-000000000003', 'group_membership_add', ALICE, '2025-05-01T10:20:01Z'),
      ours(5, 'a0000004-0000-4000-8000-000000000004', 'group_membership_remove', ALICE, '2025-05-01T10:30:01Z'),
      ours(6, 'a0000005-0000-4000-8000-000000000005', 'app_access_request', ALICE, '2025-05-01T10:40:01Z'),
      ours(7, 'a0000006-0000-4000-8000-000000000006', 'mfa_reset', BOB, '2025-05-01T10:50:03Z'),
    ];
    const log = [
      entra('a0000001-0000-4000-8000-000000000001', 'Reset user password', ALICE, '2025-05-01T10:00:01.1234567Z'),
      entra('a0000002-0000-4000-8000-000000000002', 'Update StsRefreshTokenValidFrom Timestamp', ALICE, '2025-05-01T10:10:00Z'),
      entra('a0000003-0000-4000-8000-000000000003', 'Add member to group', ALICE, '2025-05-01T10:20:00Z', { category: 'GroupManagement', operationType: 'Assign', targetResources: groupTargets(ALICE) }),
      entra('a0000004-0000-4000-8000-000000000004', 'Remove member from group', ALICE, '2025-05-01T10:30:00Z', { category: 'GroupManagement', operationType: 'Unassign', targetResources: groupTargets(ALICE) }),
      entra('a0000005-0000-4000-8000-000000000005', 'Add app role assignment grant to user', ALICE, '2025-05-01T10:40:00Z', {
        category: 'ApplicationManagement',
        targetResources: [
          { id: JIRA_SP, displayName: 'Jira', type: 'ServicePrincipal', userPrincipalName: null },
          { id: ALICE, displayName: 'Alice Example', type: 'User', userPrincipalName: 'alice@contoso.example' },
        ],
      }),
      // mfa_reset: two method deletions (their own Graph request-ids), then the Temporary Access Pass (the audited request-id).
      entra('c0000001-0000-4000-8000-00000000000a', 'Admin deleted security info', BOB, '2025-05-01T10:50:00Z', { loggedByService: 'Authentication Methods', resultReason: 'Admin deleted Microsoft Authenticator App method for user' }),
      entra('c0000002-0000-4000-8000-00000000000b', 'Admin deleted security info', BOB, '2025-05-01T10:50:01Z', { loggedByService: 'Authentication Methods', resultReason: 'Admin deleted phone method for user' }),
      entra('a0000006-0000-4000-8000-000000000006', 'Admin registered security info', BOB, '2025-05-01T10:50:02Z', { loggedByService: 'Authentication Methods', resultReason: 'Admin registered temporary access pass method for user' }),
    ];
    const report = reconcileEntra(audit, log, { actorIds: [BOT_APP_ID] });
    expect(report.oursOnly).toEqual([]);
    expect(report.entraOnly).toEqual([]);
    expect(report.matched.map((m) => [m.ours.action, m.entra.length, m.entraByTargetTime.length, m.problems])).toEqual([
      ['password_reset', 1, 0, []],
      ['session_revoke', 1, 0, []],
      ['group_membership_add', 1, 0, []],
      ['group_membership_remove', 1, 0, []],
      ['app_access_request', 1, 0, []],
      ['mfa_reset', 1, 2, []],
    ]);
    expect(isEntraReconciled(report)).toBe(true);
    expect(formatEntraReconcileReport(report)).toMatch(/^matched: 6 \(by request id: 6, by target\/time only: 0; with discrepancies: 0\) · ours only: 0 · Entra only: 0\n$/);
  });

  it('lists a write missing on each side; anything else by our principal is Entra only', () => {
    const audit = [ours(1, 'a0000001-0000-4000-8000-000000000001', 'group_membership_add', ALICE, '2025-05-01T10:00:01Z'), ours(2, 'a0000002-0000-4000-8000-000000000002', 'session_revoke', BOB, '2025-05-01T11:00:01Z')];
    const log = [
      entra('a0000001-0000-4000-8000-000000000001', 'Add member to group', ALICE, '2025-05-01T10:00:00Z', { targetResources: groupTargets(ALICE) }),
      // Nothing of ours explains these: another user's membership, and an activity we never perform.
      entra('d0000001-0000-4000-8000-000000000001', 'Add member to group', BOB, '2025-05-01T10:05:00Z', { targetResources: groupTargets(BOB) }),
      entra('d0000002-0000-4000-8000-000000000002', 'Add service principal credentials', JIRA_SP, '2025-05-01T10:06:00Z', { category: 'ApplicationManagement', targetResources: [{ id: JIRA_SP, type: 'ServicePrincipal', displayName: 'Jira' }] }),
    ];
    const report = reconcileEntra(audit, log, { actorIds: [BOT_SP_ID] });
    expect(report.matched.map((m) => m.ours.requestId)).toEqual(['rq_000000000000000000000001']);
    expect(report.oursOnly.map((o) => o.idpRequestId)).toEqual(['a0000002-0000-4000-8000-000000000002']);
    expect(report.entraOnly.map((e) => [e.activity, e.correlationId])).toEqual([
      ['Add member to group', 'd0000001-0000-4000-8000-000000000001'],
      ['Add service principal credentials', 'd0000002-0000-4000-8000-000000000002'],
    ]);
    expect(isEntraReconciled(report)).toBe(false);
    const text = formatEntraReconcileReport(report);
    expect(text).toContain('OURS ONLY');
    expect(text).toMatch(/ENTRA ONLY .*"Add service principal credentials".* actor Keyward/);
    expect(text).toContain('ours only: 1 · Entra only: 2');
  });

  it('flags a pair joined by request id whose target user is not ours', () => {
    const report = reconcileEntra([ours(1, 'a0000001-0000-4000-8000-000000000001', 'password_reset', ALICE, '2025-05-01T10:00:01Z')], [entra('a0000001-0000-4000-8000-000000000001', 'Reset user password', BOB, '2025-05-01T10:00:00Z')], { actorIds: [BOT_APP_ID] });
    expect(report.matched[0]!.problems).toEqual([`Entra's target ${BOB} is not ours (${ALICE})`]);
    expect(isEntraReconciled(report)).toBe(false);
    expect(formatEntraReconcileReport(report)).toContain('MISMATCH request rq_000000000000000000000001');
  });

  it('flags a failed result and an activity the action does not produce', () => {
    const report = reconcileEntra(
      [ours(1, 'a0000001-0000-4000-8000-000000000001', 'group_membership_add', ALICE, '2025-05-01T10:00:01Z'), ours(2, 'a0000002-0000-4000-8000-000000000002', 'session_revoke', ALICE, '2025-05-01T10:10:01Z')],
      [
        entra('a0000001-0000-4000-8000-000000000001', 'Add member to group', ALICE, '2025-05-01T10:00:00Z', { result: 'failure', resultReason: 'Insufficient privileges', targetResources: groupTargets(ALICE) }),
        entra('a0000002-0000-4000-8000-000000000002', 'Delete user', ALICE, '2025-05-01T10:10:00Z'),
      ],
      { actorIds: [BOT_APP_ID] },
    );
    expect(report.matched.map((m) => m.problems)).toEqual([['Entra result failure (Insufficient privileges) on "Add member to group"'], ['Entra recorded "Delete user" for a session_revoke']]);
  });

  it('ignores records by people and by other applications', () => {
    const helpdesk = entra('e0000001-0000-4000-8000-000000000001', 'Reset user password', BOB, '2025-05-01T10:00:00Z', { initiatedBy: { user: { id: 'f0000000-0000-4000-8000-000000000001', userPrincipalName: 'helpdesk@contoso.example', ipAddress: '203.0.113.7' }, app: null } });
    const otherApp = entra('e0000002-0000-4000-8000-000000000002', 'Add member to group', BOB, '2025-05-01T10:01:00Z', { initiatedBy: { app: { appId: '11111111-2222-4333-8444-555555555555', displayName: 'HR sync', servicePrincipalId: '66666666-7777-4888-8999-000000000000' } } });
    const mine = entra('e0000003-0000-4000-8000-000000000003', 'Add member to group', BOB, '2025-05-01T10:02:00Z');
    const report = reconcileEntra([], [helpdesk, otherApp, mine], { actorIds: [BOT_APP_ID.toUpperCase()] });
    expect(report.entraOnly.map((e) => e.correlationId)).toEqual(['e0000003-0000-4000-8000-000000000003']);
  });

  it('without an actor, counts only the mapped write activities, by anyone', () => {
    const report = reconcileEntra([], [entra('e1', 'Reset user password', BOB, '2025-05-01T10:00:00Z', { initiatedBy: { user: { id: 'u' } } }), entra('e2', 'Update application', BOB, '2025-05-01T10:00:00Z')]);
    expect(report.entraOnly.map((e) => e.correlationId)).toEqual(['e1']);
  });

  it('joins on our own request id when it is the correlationId, telling the grant from its removal at expiry', () => {
    const requestId = 'rq_0123456789abcdef01234567';
    const audit = [
      ours(1, 'a0000001-0000-4000-8000-000000000001', 'group_membership_add', ALICE, '2025-05-01T10:00:01Z', { requestId }),
      // A one-minute grant whose removal was audited 50 s after Entra's record: time alone would pick the grant.
      ours(2, 'a0000002-0000-4000-8000-000000000002', 'group_membership_add', ALICE, '2025-05-01T10:01:30Z', { requestId, type: 'request.access_revoked' }),
    ];
    const log = [
      entra(requestId.toUpperCase(), 'Remove member from group', ALICE, '2025-05-01T10:00:40Z', { targetResources: groupTargets(ALICE) }),
      entra(requestId, 'Add member to group', ALICE, '2025-05-01T10:00:00Z', { targetResources: groupTargets(ALICE) }),
    ];
    const report = reconcileEntra(audit, log, { actorIds: [BOT_APP_ID] });
    expect(report.matched.map((m) => [m.ours.auditType, m.entra.map((e) => e.activity), m.problems])).toEqual([
      ['request.succeeded', ['Add member to group'], []],
      ['request.access_revoked', ['Remove member from group'], []],
    ]);
  });

  it('ties a record whose correlationId is neither of our ids by target, activity and time, and says so', () => {
    const audit = [ours(1, 'a0000001-0000-4000-8000-000000000001', 'password_reset', ALICE, '2025-05-01T10:00:30Z'), ours(2, 'a0000002-0000-4000-8000-000000000002', 'session_revoke', BOB, '2025-05-01T12:00:00Z')];
    const log = [
      entra('77777777-0000-4000-8000-000000000001', 'Reset user password', ALICE, '2025-05-01T10:00:00Z'),
      // Right user and activity, but 10 minutes away: not tied.
      entra('77777777-0000-4000-8000-000000000002', 'Invalidate all refresh tokens for user', BOB, '2025-05-01T12:10:00Z'),
    ];
    const report = reconcileEntra(audit, log, { actorIds: [BOT_APP_ID] });
    expect(report.matched.map((m) => [m.ours.action, m.entra.length, m.entraByTargetTime.map((e) => e.activity)])).toEqual([['password_reset', 0, ['Reset user password']]]);
    expect(report.oursOnly.map((o) => o.action)).toEqual(['session_revoke']);
    expect(report.entraOnly.map((e) => e.activity)).toEqual(['Invalidate all refresh tokens for user']);
    const text = formatEntraReconcileReport(report);
    expect(text).toContain('by target/time only: 1');
    expect(text).toMatch(/matched \(by target\/time\) request rq_000000000000000000000001 password_reset target 6a1f.* ↔ 2025-05-01T10:00:00Z "Reset user password"/);
    expect(reconcileEntra(audit.slice(0, 1), log.slice(0, 1), { actorIds: [BOT_APP_ID], toleranceMs: 10_000 }).matched).toEqual([]);
  });

  it('honours the window on both sides', () => {
    const report = reconcileEntra(
      [ours(1, 'a1', 'session_revoke', ALICE, '2025-04-01T00:00:00Z')],
      [entra('x1', 'Invalidate all refresh tokens for user', ALICE, '2025-05-03T00:00:00Z')],
      { actorIds: [BOT_APP_ID], since: new Date('2025-05-01T00:00:00Z'), until: new Date('2025-05-02T00:00:00Z') },
    );
    expect(report).toEqual({ matched: [], oursOnly: [], entraOnly: [], window: { since: '2025-05-01T00:00:00.000Z', until: '2025-05-02T00:00:00.000Z' } });
  });
});

describe('parseEntraAuditExport', () => {
  const records = [entra('c1', 'Add member to group', ALICE, '2025-05-01T10:00:00Z'), entra('c2', 'Remove member from group', ALICE, '2025-05-01T10:01:00Z')];

  it('reads a JSON array (the admin center download) or a Graph page { value: [...] }', () => {
    expect(parseEntraAuditExport(JSON.stringify(records)).map((r) => r.correlationId)).toEqual(['c1', 'c2']);
    const page = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits', value: records, '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=x' };
    expect(parseEntraAuditExport(JSON.stringify(page)).map((r) => r.correlationId)).toEqual(['c1', 'c2']);
    expect(parseEntraAuditExport('  ')).toEqual([]);
  });

  it('refuses anything else with a message', () => {
    expect(() => parseEntraAuditExport('{"items": []}')).toThrow(/directoryAudit records or a Graph page/);
    expect(() => parseEntraAuditExport('{"a":1}\n{"a":2}')).toThrow(/not JSON/);
  });
});
