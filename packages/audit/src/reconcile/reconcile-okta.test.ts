import type { AuditRecord } from '@keyward/core';
import { sampleAuditEvent } from '../audit-test-events';
import { parseOktaSystemLogExport } from './okta-system-log';
import type { OktaLogEvent } from './okta-system-log';
import { formatReconcileReport, reconcileOktaSystemLog } from './reconcile-okta';

const BOT = '0oabot123';

function ours(seq: number, idpRequestId: string | undefined, action: string, target: string, at = '2025-05-01T10:00:00Z'): AuditRecord {
  return { ...sampleAuditEvent(seq, { requestId: `rq_${seq}`, type: 'request.succeeded', action, target: { idpUserId: target }, idpRequestId, at: new Date(at) }), seq, prevHash: 'p', hash: `h${seq}` };
}

/** Shaped like Okta's ListLogs example (spec: components.examples.ListLogs). */
function oktaEvent(requestId: string, eventType: string, target: string, overrides: Partial<OktaLogEvent> = {}): OktaLogEvent {
  return {
    uuid: `uuid-${requestId}`,
    published: '2025-05-01T10:00:01.000Z',
    eventType,
    actor: { id: BOT, type: 'PublicClientApp', alternateId: 'keyward', displayName: 'Keyward' },
    outcome: { result: 'SUCCESS', reason: null },
    target: [{ id: target, type: 'User', alternateId: 'alice@example.com', displayName: 'Alice' }],
    transaction: { type: 'WEB', id: requestId, detail: {} },
    debugContext: { debugData: { requestId, requestUri: `/api/v1/users/${target}/lifecycle/reset_password` } },
    ...overrides,
  };
}

describe('reconcileOktaSystemLog', () => {
  it('joins by Okta request id and lists what appears on one side only', () => {
    const audit = [
      ours(1, 'XmfA', 'password_reset', '00u1'),
      ours(2, 'XmfA', 'password_reset', '00u1'), // the same write seen on a later event counts once
      ours(3, 'XmfB', 'account_unlock', '00u2'),
      ours(4, undefined, 'password_reset', '00u3'), // no IdP write
    ];
    const okta = [
      oktaEvent('XmfA', 'user.account.reset_password', '00u1'),
      oktaEvent('XmfZ', 'user.session.clear', '00u9'),
      oktaEvent('XmfY', 'user.session.start', '00u9'), // not a write: ignored
      oktaEvent('XmfW', 'user.account.unlock_by_admin', '00u8', { actor: { id: 'someone-else' } }), // another admin
    ];
    const report = reconcileOktaSystemLog(audit, okta, { actorIds: [BOT] });
    expect(report.matched.map((m) => m.ours.idpRequestId)).toEqual(['XmfA']);
    expect(report.matched[0]!.problems).toEqual([]);
    expect(report.oursOnly.map((o) => o.idpRequestId)).toEqual(['XmfB']);
    expect(report.oktaOnly.map((o) => o.idpRequestId)).toEqual(['XmfZ']);
    const text = formatReconcileReport(report);
    expect(text).toContain('OURS ONLY');
    expect(text).toContain('OKTA ONLY');
    expect(text).toMatch(/matched: 1 .* ours only: 1 · Okta only: 1/);
  });

  it('flags a matched pair whose target, type or outcome differs', () => {
    const report = reconcileOktaSystemLog([ours(1, 'XmfA', 'password_reset', '00u1')], [oktaEvent('XmfA', 'user.session.clear', '00u7', { outcome: { result: 'FAILURE' } })]);
    expect(report.matched[0]!.problems).toEqual([
      'Okta recorded user.session.clear for a password_reset',
      "Okta's target 00u7 is not ours (00u1)",
      'Okta outcome FAILURE',
    ]);
  });

  it('falls back to transaction.id when debugData has no request id, and honours the window', () => {
    const event = oktaEvent('XmfA', 'user.account.reset_password', '00u1', { debugContext: { debugData: null } });
    const late = oktaEvent('XmfL', 'user.account.reset_password', '00u1', { published: '2025-05-03T00:00:00Z' });
    const report = reconcileOktaSystemLog([ours(1, 'XmfA', 'password_reset', '00u1'), ours(2, 'XmfO', 'password_reset', '00u1', '2025-04-01T00:00:00Z')], [event, late], { since: new Date('2025-05-01T00:00:00Z'), until: new Date('2025-05-02T00:00:00Z') });
    expect(report.matched).toHaveLength(1);
    expect(report.oursOnly).toEqual([]);
    expect(report.oktaOnly).toEqual([]);
  });

  it('reads an export as a JSON array or as JSON lines', () => {
    const events = [oktaEvent('A', 'user.session.clear', 'u'), oktaEvent('B', 'user.session.clear', 'u')];
    expect(parseOktaSystemLogExport(JSON.stringify(events))).toHaveLength(2);
    expect(parseOktaSystemLogExport(events.map((e) => JSON.stringify(e)).join('\n'))).toHaveLength(2);
    expect(() => parseOktaSystemLogExport('{"a":1}\nnot json')).toThrow(/line 2/);
  });
});
