import type { ActionKind } from './intent';
import { ACTION_LABELS } from './intent';
import { namedOtherTarget } from './named-target';
import type { Approval, ApproverRole, ServiceRequest } from './request';

type Described = Pick<ServiceRequest, 'action' | 'resource' | 'params' | 'text' | 'requester'>;

/**
 * What a request asks for, naming the resolved group or app and the length of a time-bound grant:
 * "Add you to design-team for 14 days". Only a catalogue-resolved name is ever shown (never the raw
 * slot), so the words match what an approval or a write would act on. Plain text; surfaces escape it.
 */
export function requestLabel(request: Described): string {
  const action = request.action;
  if (!action) return 'Your request';
  const other = namedOtherTarget(request);
  // Refused before any resource is looked up, so only the action and the person named are shown:
  // "Reset someone else's password (bob)", never "Reset your password" for a request about Bob.
  if (other) return `${someoneElse(ACTION_LABELS[action])}${other.name === undefined ? '' : ` (${other.name})`}`;
  const name = request.resource?.name;
  const base = name === undefined ? ACTION_LABELS[action] : NAMED_LABELS[action]?.(name) ?? `${ACTION_LABELS[action]} (${name})`;
  return `${base}${duration(request)}`;
}

/** The same request as an object: "your request to join design-team for 14 days". */
export function requestPhrase(request: Described): string {
  const action = request.action;
  if (!action) return 'your request';
  const name = request.resource?.name;
  const phrase = name === undefined ? UNNAMED_PHRASES[action] : NAMED_PHRASES[action]?.(name) ?? `${UNNAMED_PHRASES[action]} (${name})`;
  return `${phrase}${duration(request)}`;
}

const NAMED_LABELS: Partial<Record<ActionKind, (name: string) => string>> = {
  group_membership_add: (name) => `Add you to ${name}`,
  group_membership_remove: (name) => `Remove you from ${name}`,
  app_access_request: (name) => `Give you access to ${name}`,
};

const NAMED_PHRASES: Partial<Record<ActionKind, (name: string) => string>> = {
  group_membership_add: (name) => `your request to join ${name}`,
  group_membership_remove: (name) => `your request to leave ${name}`,
  app_access_request: (name) => `your request for access to ${name}`,
};

const UNNAMED_PHRASES: Record<ActionKind, string> = {
  password_reset: 'your password reset',
  account_unlock: 'your account unlock',
  session_revoke: 'your sign-out everywhere',
  mfa_reset: 'your MFA reset',
  group_membership_add: 'your request to join a group',
  group_membership_remove: 'your request to leave a group',
  app_access_request: 'your request for access to an application',
  conditional_access_change: 'your sign-in policy exception',
  privileged_access_request: 'your request for privileged access',
};

/** "Reset your password" → "Reset someone else's password"; "Sign you out…" → "Sign someone else out…". */
function someoneElse(label: string): string {
  const changed = label.replace(/\byour\b/, "someone else's").replace(/^(\w+) you\b/, '$1 someone else');
  return changed === label ? `${label} for someone else` : changed;
}

const ROLE_LABEL: Record<ApproverRole, string> = {
  manager: 'manager',
  app_owner: 'app owner',
  group_owner: 'group owner',
  helpdesk_admin: 'helpdesk admin',
};

/** An approver's role as said in chat: "manager", "app owner". */
export function approverRoleLabel(role: ApproverRole): string {
  return ROLE_LABEL[role];
}

/** Who approves, by name and role: "Carol (manager) and a helpdesk admin". */
export function describeApprovers(approvals: Approval[]): string {
  return approvals.map((a) => (a.approver ? `${a.approver.displayName} (${ROLE_LABEL[a.role]})` : 'a helpdesk admin')).join(' and ');
}

function duration(request: Described): string {
  const days = request.params.durationDays;
  if (days === undefined) return '';
  const length = days === 1 ? ' for 1 day' : ` for ${days} days`;
  const asked = request.params.requestedDays;
  return asked !== undefined && asked > days ? `${length} (the most the policy allows; you asked for ${asked})` : length;
}
