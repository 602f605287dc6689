import type { ApproverRole, Decision, PolicyFacts } from '@keyward/core';
import { normalizeName } from '@keyward/core';
import type { PolicyDocument } from './policy.schema';

export interface PolicyIdentity {
  version: string;
  hash: string;
}

/** One reply for every refusal: the requester is never told which check failed. */
export const REFUSAL_MESSAGE = "I can't do that here. I've passed it to the helpdesk, and someone will follow up with you.";
const ESCALATION_MESSAGE = "I can't do that one myself, so I've passed it to the helpdesk. They'll get back to you.";
const RISK_ORDER = { none: 0, unknown: 0, low: 1, medium: 2, high: 3 } as const;

/**
 * Pure: facts + policy → decision. The order is the security argument:
 * 1. the target must be the requester, and nobody else may be named;
 * 2. actions the policy refuses outright;
 * 3. privileged or executive targets, and privileged resources;
 * 4. account states the bot never touches;
 * 5. verification threshold: the IdP's own risk signal on the requester;
 * 6. actions outside the policy for the requester's population;
 * 7. velocity: too many identity actions in a short window, even if each would pass;
 * 8. actions a person handles (escalate);
 * 9. a resource action needs a catalogue resource;
 * 10. otherwise allow, with the verification and approvals the rule demands.
 */
export function evaluatePolicy(facts: PolicyFacts, policy: PolicyDocument, id: PolicyIdentity): Decision {
  const rule = policy.actions[facts.action];
  const base = {
    action: facts.action,
    band: rule.band,
    policyVersion: id.version,
    policyHash: id.hash,
    verification: 'none' as const,
    approvers: [] as ApproverRole[],
    approvalMode: policy.approvals.order,
    approverStepUp: false,
  };
  const refuse = (ruleId: string, reasons: string[], band = rule.band): Decision => ({ ...base, band, outcome: 'refuse', rule: ruleId, reasons, userMessage: REFUSAL_MESSAGE });

  if (!facts.selfService || facts.requester.id !== facts.target.id) {
    return refuse('self-service-target-only', ['Self-service acts only on the verified requester; the request named someone else.']);
  }
  if (rule.mode === 'refuse') return refuse(`action-refused:${facts.action}`, [`The policy never grants ${facts.action} through the bot.`], 'critical');

  const privileged = privilegedReasons(facts, policy);
  if (privileged.length > 0) return refuse('privileged-target', privileged, 'critical');

  if (policy.blockedStatuses.includes(facts.target.status)) return refuse('target-status-blocked', [`The account is in state ${facts.target.status}.`]);

  if (RISK_ORDER[facts.requesterRisk] >= RISK_ORDER[policy.riskSignals.refuseAt]) {
    return refuse('risk-signal', [`The IdP rates the requester's risk ${facts.requesterRisk} (refused at ${policy.riskSignals.refuseAt} or above).`]);
  }

  for (const population of policy.populations) {
    const value = facts.requester.attributes[population.attribute];
    if (value !== undefined && population.values.some((v) => normalizeName(v) === normalizeName(value)) && population.deniedActions.includes(facts.action)) {
      return refuse(`population:${population.name}`, [`${facts.action} is outside the policy for the ${population.name} population.`]);
    }
  }

  if (facts.recentActions > policy.velocity.limit) {
    return refuse('velocity', [`${facts.recentActions} identity actions within ${policy.velocity.windowMinutes} min (limit ${policy.velocity.limit}).`]);
  }

  if (rule.mode === 'escalate') {
    return { ...base, outcome: 'escalate', rule: `action-escalated:${facts.action}`, reasons: [`${facts.action} is handled by the helpdesk under this policy.`], userMessage: ESCALATION_MESSAGE };
  }

  const needs = facts.action === 'app_access_request' ? 'app' : facts.action.startsWith('group_membership') ? 'group' : undefined;
  if (needs && facts.resource?.kind !== needs) return refuse('resource-not-requestable', [`${facts.action} needs a requestable ${needs} from the catalogue.`]);

  const entry = needs ? policy.catalogue[needs === 'app' ? 'apps' : 'groups'].find((e) => normalizeName(e.name) === normalizeName(facts.resource?.name ?? '')) : undefined;
  const maxDurationDays = facts.action === 'conditional_access_change' ? policy.conditionalAccess?.maxDays : entry?.maxDays;

  if (facts.action === 'mfa_reset' && facts.noUsableFactor) {
    const attesters = rule.withoutFactor ?? [];
    if (attesters.length === 0) return refuse('mfa-reset-no-factor', ['No usable factor is left and the policy names no attesters.']);
    return {
      ...base,
      outcome: 'allow',
      rule: 'self-service:mfa_reset:attestation',
      reasons: ['No usable factor left: the bot never resets on chat identity alone; manager attestation plus a helpdesk admin.'],
      approvers: attesters,
      approvalMode: 'sequential',
      approverStepUp: true,
    };
  }

  return {
    ...base,
    outcome: 'allow',
    verification: rule.verification,
    approvers: rule.approvers,
    approverStepUp: rule.approverStepUp,
    maxDurationDays,
    rule: `self-service:${facts.action}`,
    reasons: [
      `${facts.action} is self-service for a non-privileged requester after ${rule.verification} verification` +
        (rule.approvers.length > 0 ? ` and approval by ${rule.approvers.join(' + ')}.` : '.'),
    ],
  };
}

function privilegedReasons(facts: PolicyFacts, policy: PolicyDocument): string[] {
  const reasons: string[] = [];
  if (policy.privileged.anyAdminRole && facts.targetAdminRoles.length > 0) {
    reasons.push(`Target holds admin role(s): ${facts.targetAdminRoles.join(', ')}.`);
  }
  const privilegedGroups = privilegedNameSet(policy);
  for (const group of facts.targetGroups) {
    if (privilegedGroups.has(normalizeName(group.name))) reasons.push(`Target is in privileged group "${group.name}".`);
  }
  for (const [attribute, values] of Object.entries(policy.privileged.executives.attributes)) {
    const actual = facts.target.attributes[attribute];
    if (actual === undefined) continue;
    const wanted = new Set(values.map(normalizeName));
    if (wanted.has(normalizeName(actual))) reasons.push(`Target's ${attribute} marks an executive.`);
  }
  if (facts.resource && privilegedGroups.has(normalizeName(facts.resource.name))) reasons.push(`The requested ${facts.resource.kind} "${facts.resource.name}" is privileged.`);
  return reasons;
}

export function privilegedNameSet(policy: PolicyDocument): Set<string> {
  return new Set([...policy.privileged.groups, ...policy.privileged.executives.groups].map(normalizeName));
}
