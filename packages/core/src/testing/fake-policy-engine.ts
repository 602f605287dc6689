import { createHash } from 'node:crypto';
import type { ActionKind } from '../domain/intent';
import { ESCALATED_ACTIONS } from '../domain/intent';
import { normalizeName } from '../domain/normalize-name';
import type { ApproverRole, Decision } from '../domain/request';
import type { CatalogueEntry, PolicyEngine, PolicyFacts } from '../ports/policy-engine';

export interface FakePolicyOptions {
  version?: string;
  /** Refuse (rule `privileged-target`) when the target holds any admin role or a listed group. Default true. */
  refusePrivileged?: boolean;
  privilegedGroups?: string[];
  /** Actions that go to a person (rule `escalate:<action>`). Default: every escalated action. */
  escalate?: readonly ActionKind[];
  /** Approvers per action once allowed (default none). */
  approvers?: Partial<Record<ActionKind, ApproverRole[]>>;
  approvalMode?: 'sequential' | 'parallel';
  approverStepUp?: Partial<Record<ActionKind, boolean>>;
  /** Actions allowed without a push (approvals only). */
  noVerification?: readonly ActionKind[];
  /** MFA reset with no usable factor: attesters (default manager + helpdesk_admin). */
  attesters?: ApproverRole[];
  catalogue?: { groups: CatalogueEntry[]; apps: CatalogueEntry[] };
  pushRateLimit?: { limit: number; windowMs: number };
  /** Default: the default policy's 20 messages per minute. */
  messageRateLimit?: { limit: number; windowMs: number };
  /** Default: the default policy's 5 cards per 10 minutes. */
  helpdeskFlood?: { limit: number; windowMs: number };
  velocity?: { limit: number; windowMs: number };
  refuseRiskAtOrAbove?: 'low' | 'medium' | 'high';
  confidenceThreshold?: number;
  secretTtlMs?: number;
  approvalTimers?: { reminderMs: number; expiryMs: number };
  helpdeskAdmins?: string[];
  conditionalAccess?: { exclusionGroup: string; defaultDays: number; maxDays: number };
  expiryNoticeMs?: number;
}

/**
 * A FAKE PolicyEngine, not the product's policy. Core may not import @keyward/policy (dependency
 * rule), so use-case tests run against this small, configurable stand-in whose rules mirror the
 * default policy's shape: self only → privileged target/resource → risk → velocity → escalated
 * actions → allow with a push and the configured approvers. Tests of the real default policy live in
 * packages/policy and the app's end-to-end tests.
 */
export interface FakePolicyEngine extends PolicyEngine {
  /** Every set of facts evaluated, in order (proves "evaluated again before the write"). */
  evaluations(): PolicyFacts[];
}

const RISK = { none: 0, unknown: 0, low: 1, medium: 2, high: 3 } as const;

export function createFakePolicyEngine(options: FakePolicyOptions = {}): FakePolicyEngine {
  const version = options.version ?? 'fake-policy-1';
  const hash = createHash('sha256').update(`fake-policy:${version}`).digest('hex');
  const privilegedGroups = new Set((options.privilegedGroups ?? ['Domain Admins', 'Super Admins']).map(normalizeName));
  const escalate = new Set<ActionKind>(options.escalate ?? ESCALATED_ACTIONS);
  const evaluations: PolicyFacts[] = [];
  const velocity = options.velocity ?? { limit: 100, windowMs: 60 * 60_000 };

  return {
    version,
    hash,
    pushRateLimit: options.pushRateLimit ?? { limit: 3, windowMs: 15 * 60_000 },
    messageRateLimit: options.messageRateLimit ?? { limit: 20, windowMs: 60_000 },
    helpdeskFlood: options.helpdeskFlood ?? { limit: 5, windowMs: 10 * 60_000 },
    confidenceThreshold: options.confidenceThreshold ?? 0.6,
    secretTtlMs: options.secretTtlMs ?? 60 * 60_000,
    catalogue: options.catalogue ?? { groups: [], apps: [] },
    isPrivilegedName: (name) => privilegedGroups.has(normalizeName(name)),
    approvals: options.approvalTimers ?? { reminderMs: 24 * 3_600_000, expiryMs: 72 * 3_600_000 },
    velocity,
    helpdeskAdmins: options.helpdeskAdmins ?? [],
    conditionalAccess: options.conditionalAccess ?? { exclusionGroup: '', defaultDays: 0, maxDays: 0 },
    expiryNoticeMs: options.expiryNoticeMs ?? 24 * 3_600_000,
    evaluations: () => structuredClone(evaluations),
    evaluate(facts) {
      evaluations.push(structuredClone(facts));
      const base = {
        action: facts.action,
        policyVersion: version,
        policyHash: hash,
        approvers: [] as ApproverRole[],
        approvalMode: options.approvalMode ?? ('sequential' as const),
        approverStepUp: false,
      };
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
      // Like the default policy: privileged access is never granted by the bot, whatever else is configured.
      if (facts.action === 'privileged_access_request' && !escalate.has(facts.action)) return refuse('action-refused:privileged_access_request', 'privileged access is never self-service');
      const privileged =
        facts.targetAdminRoles.length > 0 ||
        facts.targetGroups.some((g) => privilegedGroups.has(normalizeName(g.name))) ||
        (facts.resource !== undefined && privilegedGroups.has(normalizeName(facts.resource.name)));
      if ((options.refusePrivileged ?? true) && privileged) return refuse('privileged-target', 'target holds privileged access');
      if (options.refuseRiskAtOrAbove && RISK[facts.requesterRisk] >= RISK[options.refuseRiskAtOrAbove]) return refuse('risk-signal', `requester risk ${facts.requesterRisk}`);
      if (facts.recentActions > velocity.limit) return refuse('velocity', 'too many actions');
      if (escalate.has(facts.action)) {
        return { ...base, outcome: 'escalate', band: 'medium', verification: 'none', rule: `escalate:${facts.action}`, reasons: [`${facts.action} is handled by a person`] };
      }
      if (facts.action === 'mfa_reset' && facts.noUsableFactor) {
        return { ...base, outcome: 'allow', band: 'low_medium', verification: 'none', approvers: options.attesters ?? ['manager', 'helpdesk_admin'], approverStepUp: true, rule: 'self-service:mfa_reset:attestation', reasons: ['attestation'] };
      }
      const entry = facts.resource ? [...(options.catalogue?.groups ?? []), ...(options.catalogue?.apps ?? [])].find((e) => normalizeName(e.name) === normalizeName(facts.resource?.name ?? '')) : undefined;
      return {
        ...base,
        outcome: 'allow',
        band: (options.approvers?.[facts.action]?.length ?? 0) > 0 ? 'medium' : 'low',
        verification: options.noVerification?.includes(facts.action) ? 'none' : 'push',
        approvers: options.approvers?.[facts.action] ?? [],
        approverStepUp: options.approverStepUp?.[facts.action] ?? false,
        maxDurationDays: facts.action === 'conditional_access_change' ? options.conditionalAccess?.maxDays : entry?.maxDays,
        rule: `self-service:${facts.action}`,
        reasons: ['self-service action for an ordinary account'],
      };
    },
  };
}
