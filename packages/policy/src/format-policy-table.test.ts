import { formatPolicyTable } from './format-policy-table';
import { loadPolicy } from './load-policy';

describe('formatPolicyTable', () => {
  it('prints one row per action with band, mode, verification, approvers and denied populations', () => {
    const table = formatPolicyTable(loadPolicy().document);
    const row = (action: string): string => table.split('\n').find((line) => line.startsWith(`${action} `)) ?? '';
    expect(row('app_access_request')).toMatch(/medium\s+self_service\s+push\s+manager → app_owner\s+contractors/);
    expect(row('conditional_access_change')).toMatch(/high .*helpdesk_admin \(\+ approver step-up\)/);
    expect(row('privileged_access_request')).toMatch(/critical\s+refuse/);
    expect(table).toMatch(/requestable groups: design-team \(≤180d\), engineering/);
    expect(table).toMatch(/flood control: 20 messages per 1 min per user · 5 helpdesk cards per 10 min per requester/);
  });
});
