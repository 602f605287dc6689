import type { PolicyDocument } from './policy.schema';

/** The effective policy as a table: action × band × mode × verification × approvers × populations. */
export function formatPolicyTable(policy: PolicyDocument): string {
  const header = ['action', 'band', 'mode', 'verification', 'approvers', 'denied for'];
  const rows = Object.entries(policy.actions).map(([action, rule]) => {
    const denied = policy.populations.filter((p) => p.deniedActions.includes(action)).map((p) => p.name);
    const approvers =
      rule.mode === 'self_service'
        ? [rule.approvers.join(' → ') || '—', rule.approverStepUp ? '(+ approver step-up)' : '', rule.withoutFactor ? `no factor: ${rule.withoutFactor.join(' + ')}` : '']
            .filter(Boolean)
            .join(' ')
        : '—';
    return [action, rule.band, rule.mode, rule.mode === 'self_service' ? rule.verification : '—', approvers, denied.join(', ') || '—'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push('');
  out.push(`privileged groups: ${policy.privileged.groups.join(', ')}${policy.privileged.anyAdminRole ? ' (+ any admin role)' : ''}`);
  out.push(`requestable groups: ${policy.catalogue.groups.map((g) => `${g.name}${g.maxDays ? ` (≤${g.maxDays}d)` : ''}`).join(', ') || '—'}`);
  out.push(`requestable apps: ${policy.catalogue.apps.map((a) => `${a.name}${a.maxDays ? ` (≤${a.maxDays}d)` : ''}`).join(', ') || '—'}`);
  out.push(`approvals: ${policy.approvals.order}, reminder after ${policy.approvals.reminderHours}h, expiry after ${policy.approvals.expiryHours}h`);
  out.push(`push rate limit: ${policy.stepUp.push.rateLimit.limit} per ${policy.stepUp.push.rateLimit.windowMinutes} min · velocity: ${policy.velocity.limit} per ${policy.velocity.windowMinutes} min · risk refused at: ${policy.riskSignals.refuseAt}`);
  out.push(`flood control: ${policy.messages.rateLimit.limit} messages per ${policy.messages.rateLimit.windowMinutes} min per user · ${policy.helpdeskFlood.limit} helpdesk cards per ${policy.helpdeskFlood.windowMinutes} min per requester, then one summary card`);
  return out.join('\n');
}
