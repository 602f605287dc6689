import type { Decision, PolicyFacts } from '@keyward/core';
import { normalizeName } from './normalize-name';
import type { PolicyDocument } from './policy.schema';

export interface PolicyIdentity {
  version: string;
  hash: string;
}

/**
 * Pure: facts + policy → decision. Order matters and is the security argument:
 * 1. the target must be the requester (self-service never acts on someone else);
 * 2. actions the policy refuses outright;
 * 3. privileged or executive targets (before any push or write);
 * 4. account states the bot never touches;
 * 5. actions a human handles (escalate);
 * 6. otherwise allow, with the verification the rule demands.
 */
export function evaluatePolicy(facts: PolicyFacts, policy: PolicyDocument, id: PolicyIdentity): Decision {
  const rule = policy.actions[facts.action];
  const base = { action: facts.action, band: rule.band, policyVersion: id.version, policyHash: id.hash };

  if (!facts.selfService || facts.requester.id !== facts.target.id) {
    return {
      ...base,
      outcome: 'refuse',
      verification: 'none',
      rule: 'self-service-target-only',
      reasons: ['Self-service acts only on the verified requester; the request named someone else.'],
      userMessage: "I can only make changes to your own account. If someone else needs help, they can message me themselves, or I can pass it to the helpdesk.",
    };
  }

  if (rule.mode === 'refuse') {
    return {
      ...base,
      outcome: 'refuse',
      verification: 'none',
      rule: `action-refused:${facts.action}`,
      reasons: [`The policy never grants ${facts.action} through self-service.`],
      userMessage: "That's not something I can grant. I've passed it to the helpdesk so a person can look at it.",
    };
  }

  const privileged = privilegedReasons(facts, policy);
  if (privileged.length > 0) {
    return {
      ...base,
      band: 'critical',
      outcome: 'refuse',
      verification: 'none',
      rule: 'privileged-target',
      reasons: privileged,
      userMessage: "For accounts with elevated access I can't do this myself. I've passed it to the helpdesk; someone will contact you.",
    };
  }

  if (policy.blockedStatuses.includes(facts.target.status)) {
    return {
      ...base,
      outcome: 'refuse',
      verification: 'none',
      rule: 'target-status-blocked',
      reasons: [`The account is in state ${facts.target.status}.`],
      userMessage: "Your account is in a state I can't change myself. I've passed this to the helpdesk.",
    };
  }

  if (rule.mode === 'escalate') {
    return {
      ...base,
      outcome: 'escalate',
      verification: 'none',
      rule: `action-escalated:${facts.action}`,
      reasons: [`${facts.action} is handled by the helpdesk under this policy.`],
      userMessage: "I can't do that one myself yet, so I've passed it to the helpdesk. They'll reply to you.",
    };
  }

  return {
    ...base,
    outcome: 'allow',
    verification: rule.verification,
    rule: `self-service:${facts.action}`,
    reasons: [`${facts.action} is self-service for a non-privileged requester after ${rule.verification} verification.`],
  };
}

function privilegedReasons(facts: PolicyFacts, policy: PolicyDocument): string[] {
  const reasons: string[] = [];
  if (policy.privileged.anyAdminRole && facts.targetAdminRoles.length > 0) {
    reasons.push(`Target holds admin role(s): ${facts.targetAdminRoles.join(', ')}.`);
  }
  const privilegedGroups = new Set([...policy.privileged.groups, ...policy.privileged.executives.groups].map(normalizeName));
  for (const group of facts.targetGroups) {
    if (privilegedGroups.has(normalizeName(group.name))) reasons.push(`Target is in privileged group "${group.name}".`);
  }
  for (const [attribute, values] of Object.entries(policy.privileged.executives.attributes)) {
    const actual = facts.target.attributes[attribute];
    if (actual === undefined) continue;
    const wanted = new Set(values.map(normalizeName));
    if (wanted.has(normalizeName(actual))) reasons.push(`Target's ${attribute} marks an executive.`);
  }
  return reasons;
}
