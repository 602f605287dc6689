import type { OutboundMessage } from '../domain/chat';
import type { ExecutableAction } from '../domain/intent';
import { EXECUTABLE_ACTIONS, RESOURCE_ACTIONS, SELF_SERVICE_ACTIONS } from '../domain/intent';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { replies } from './replies';
import { gatherPolicyFacts, resolveRequester } from './resolve-requester';

const EXAMPLES: Record<ExecutableAction, string> = {
  password_reset: '"I forgot my password" — a one-time reset link after an Okta Verify push',
  account_unlock: '"I\'m locked out" — unlock after a push',
  session_revoke: '"Sign me out everywhere" (say so if you think someone has your password)',
  mfa_reset: '"New phone, set up MFA again" — with a push on your old device, or your manager and the helpdesk confirm it\'s you',
  group_membership_add: '"Add me to <group>" — your manager approves',
  group_membership_remove: '"Remove me from <group>"',
  app_access_request: '"I need <app>" — your manager and the app owner approve',
  conditional_access_change: '"I\'m travelling, let me sign in from abroad" — a helpdesk admin approves a time-limited exception',
};

/** The same actions as EXAMPLES, in a few words each, for the greeting. */
const TOPICS: Record<ExecutableAction, string> = {
  password_reset: 'passwords',
  account_unlock: 'unlocking',
  session_revoke: 'signing out everywhere',
  mfa_reset: 'MFA on a new phone',
  group_membership_add: 'groups',
  group_membership_remove: 'groups',
  app_access_request: 'app access',
  conditional_access_change: 'sign-in from abroad',
};

/**
 * What THIS user may ask for under the policy: each action is evaluated with the user's own facts
 * (a privileged account, a contractor or a risky user sees less). Read-only: nothing is counted
 * towards velocity. Undefined when the user cannot be resolved. "help" and the greeting both read
 * this, so they never disagree.
 */
async function allowedActions(deps: CoreDeps, request: ServiceRequest): Promise<ExecutableAction[] | undefined> {
  const resolved = await resolveRequester(deps, request).catch(() => undefined);
  if (!resolved?.ok) return undefined;
  // The facts about the user are the same for every action: read them once.
  // An IdP outage must not cost a greeting or a help answer: the general list stands in.
  const facts = await gatherPolicyFacts(deps, { ...resolved.request, action: EXECUTABLE_ACTIONS[0] }, resolved.user, { recentActions: 1 }).catch(() => undefined);
  if (!facts) return undefined;
  const allowed: ExecutableAction[] = [];
  for (const action of EXECUTABLE_ACTIONS) {
    const kind = RESOURCE_ACTIONS[action];
    const entries = kind === 'group' ? deps.policy.catalogue.groups : kind === 'app' ? deps.policy.catalogue.apps : [];
    if (kind && entries.length === 0) continue;
    const sample = kind && entries[0] ? { kind, id: 'sample', name: entries[0].name } : undefined;
    if (deps.policy.evaluate({ ...facts, action, resource: sample }).outcome === 'allow') allowed.push(action);
  }
  return allowed;
}

/** "help": the allowed actions with an example each; the general list when the user cannot be resolved. */
export async function helpFor(deps: CoreDeps, request: ServiceRequest): Promise<OutboundMessage> {
  const allowed = await allowedActions(deps, request);
  if (!allowed) return replies.help();
  if (allowed.length === 0) {
    return { text: "For your account I can't make changes myself (it needs a person's attention). Say \"talk to a human\" and I'll pass you to the helpdesk. You can still ask about the status of your requests." };
  }
  const lines = allowed.map((a) => `• ${EXAMPLES[a]}`);
  const groups = deps.policy.catalogue.groups.map((g) => g.name);
  const apps = deps.policy.catalogue.apps.map((a) => a.name);
  if (allowed.includes('group_membership_add') && groups.length > 0) lines.push(`  Requestable groups: ${groups.join(', ')}.`);
  if (allowed.includes('app_access_request') && apps.length > 0) lines.push(`  Requestable apps: ${apps.join(', ')}.`);
  lines.push('• "Status of my request", "cancel", or "talk to a human" at any time.');
  return { text: `Here is what I can do for you:\n${lines.join('\n')}` };
}

/**
 * "hi": the same allowed actions as help, in short. A user who cannot be resolved hears the actions
 * the general help (`replies.help`) lists: the self-service ones.
 */
export async function greetingFor(deps: CoreDeps, request: ServiceRequest): Promise<OutboundMessage> {
  const allowed = (await allowedActions(deps, request)) ?? SELF_SERVICE_ACTIONS;
  return replies.greeting([...new Set(allowed.map((a) => TOPICS[a]))]);
}
