import { createHash } from 'node:crypto';
import type { ActionKind } from '../domain/intent';
import { ESCALATED_ACTIONS } from '../domain/intent';
import type { Decision } from '../domain/request';
import type { PolicyEngine, PolicyFacts } from '../ports/policy-engine';

export interface FakePolicyOptions {
  version?: string;
  /** Refuse (rule `privileged-target`) when the target holds any admin role or a listed group. Default true. */
  refusePrivileged?: boolean;
  privilegedGroups?: string[];
  /** Actions that go to a person (rule `escalate:<action>`). Default: every escalated action. */
  escalate?: readonly ActionKind[];
  pushRateLimit?: { limit: number; windowMs: number };
  confidenceThreshold?: number;
  secretTtlMs?: number;
}

/**
 * A FAKE PolicyEngine, not the product's policy. Core may not import @keyward/policy (dependency
 * rule), so use-case tests run against this small, configurable stand-in whose rules mirror the
 * default policy's shape: self only → privileged target → escalated actions → allow with a push.
 * Tests of the real default policy live in packages/policy and the app's end-to-end tests.
 */
export interface FakePolicyEngine extends PolicyEngine {
  /** Every set of facts evaluated, in order (proves "evaluated again before the write"). */
  evaluations(): PolicyFacts[];
}

export function createFakePolicyEngine(options: FakePolicyOptions = {}): FakePolicyEngine {
  const version = options.version ?? 'fake-policy-1';
  const hash = createHash('sha256').update(`fake-policy:${version}`).digest('hex');
  const privilegedGroups = new Set((options.privilegedGroups ?? ['Domain Admins', 'Super Admins']).map((g) => g.toLowerCase()));
  const escalate = new Set<ActionKind>(options.escalate ?? ESCALATED_ACTIONS);
  const evaluations: PolicyFacts[] = [];

  return {
    version,
    hash,
    pushRateLimit: options.pushRateLimit ?? { limit: 3, windowMs: 15 * 60_000 },
    confidenceThreshold: options.confidenceThreshold ?? 0.6,
    secretTtlMs: options.secretTtlMs ?? 60 * 60_000,
    evaluations: () => structuredClone(evaluations),
    evaluate(facts) {
      evaluations.push(structuredClone(facts));
      const base = { action: facts.action, policyVersion: version, policyHash: hash };
      const refuse = (rule: string, reason: string): Decision => ({
        ...base,
        outcome: 'refuse',
        band: 'critical',
        verification: 'none',
        rule,
        reasons: [reason],
        userMessage: "I can't do this myself. I've passed it to the helpdesk.",
      });
      if (!facts.selfService || facts.requester.id !== facts.target.id) return refuse('self-service-target-only', 'target is not the requester');
      const privileged = facts.targetAdminRoles.length > 0 || facts.targetGroups.some((g) => privilegedGroups.has(g.name.toLowerCase()));
      if ((options.refusePrivileged ?? true) && privileged) return refuse('privileged-target', 'target holds privileged access');
      if (escalate.has(facts.action)) {
        return { ...base, outcome: 'escalate', band: 'medium', verification: 'none', rule: `escalate:${facts.action}`, reasons: [`${facts.action} is handled by a person`] };
      }
      return { ...base, outcome: 'allow', band: 'low', verification: 'push', rule: `self-service:${facts.action}`, reasons: ['self-service action for an ordinary account'] };
    },
  };
}
