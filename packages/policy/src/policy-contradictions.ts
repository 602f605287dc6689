import { normalizeName } from '@keyward/core';
import type { PolicyDocument } from './policy.schema';

/**
 * Rules that are each valid alone but contradict each other. Start-up refuses such a file and
 * `keyward policy show` exits non-zero, so a contradiction never reaches production silently.
 */
export function findContradictions(policy: PolicyDocument): string[] {
  const problems: string[] = [];
  const privileged = new Set([...policy.privileged.groups, ...policy.privileged.executives.groups].map(normalizeName));
  for (const entry of policy.catalogue.groups) {
    if (privileged.has(normalizeName(entry.name))) problems.push(`catalogue.groups: "${entry.name}" is also a privileged group; privileged groups are never requestable`);
  }
  const a = policy.actions;
  if (a.privileged_access_request.mode === 'self_service') problems.push('actions.privileged_access_request: privileged access can never be self-service');
  for (const [name, rule] of Object.entries(a)) {
    if (rule.mode !== 'self_service') continue;
    const approvers = [...rule.approvers, ...(rule.withoutFactor ?? [])];
    if (approvers.includes('helpdesk_admin') && policy.helpdesk.admins.length === 0) problems.push(`actions.${name}: needs a helpdesk_admin approver but helpdesk.admins is empty`);
    if (rule.approvers.includes('app_owner') && name !== 'app_access_request') problems.push(`actions.${name}: app_owner approves only app_access_request`);
    if (rule.approvers.includes('group_owner') && !name.startsWith('group_membership')) problems.push(`actions.${name}: group_owner approves only group membership`);
    if (new Set(rule.approvers).size !== rule.approvers.length) problems.push(`actions.${name}: an approver role is listed twice`);
    if ((rule.band === 'high' || rule.band === 'critical') && rule.approvers.length === 0) problems.push(`actions.${name}: band ${rule.band} needs at least one approver`);
    if (rule.band === 'high' && !rule.approverStepUp) problems.push(`actions.${name}: high-band approvals need approverStepUp: true (a click in chat alone is not proof)`);
  }
  if (a.app_access_request.mode === 'self_service' && a.app_access_request.approvers.includes('app_owner')) {
    for (const app of policy.catalogue.apps) if (!app.owner) problems.push(`catalogue.apps: "${app.name}" has no owner, but app_access_request needs the app owner's approval`);
  }
  if (a.group_membership_add.mode === 'self_service' && a.group_membership_add.approvers.includes('group_owner')) {
    for (const group of policy.catalogue.groups) if (!group.owner) problems.push(`catalogue.groups: "${group.name}" has no owner, but group membership needs the group owner's approval`);
  }
  if (a.conditional_access_change.mode === 'self_service' && !policy.conditionalAccess) problems.push('actions.conditional_access_change is self_service but conditionalAccess (the exclusion group) is not configured');
  if (policy.conditionalAccess && policy.conditionalAccess.defaultDays > policy.conditionalAccess.maxDays) problems.push('conditionalAccess.defaultDays is longer than maxDays');
  if (policy.approvals.reminderHours >= policy.approvals.expiryHours) problems.push('approvals.reminderHours must be shorter than expiryHours (the reminder comes first)');
  const known = new Set(Object.keys(a));
  for (const population of policy.populations) {
    for (const action of population.deniedActions) if (!known.has(action)) problems.push(`populations.${population.name}: unknown action "${action}"`);
  }
  return problems;
}
