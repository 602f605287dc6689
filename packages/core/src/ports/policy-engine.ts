import type { ActionKind } from '../domain/intent';
import type { Decision, ResolvedResource } from '../domain/request';
import type { IdpGroup, IdpRiskLevel, IdpUser } from './identity-provider';

/** Facts the policy decides on, gathered from the IdP before any write (and again before executing). */
export interface PolicyFacts {
  action: ActionKind;
  requester: IdpUser;
  target: IdpUser;
  targetAdminRoles: string[];
  targetGroups: IdpGroup[];
  /** The requester acts on themself and named no one else (checked, not assumed). */
  selfService: boolean;
  compromiseSuspected: boolean;
  /** The group or app the action is about, resolved from the catalogue. */
  resource?: ResolvedResource;
  /** The IdP's risk verdict on the requester (a verification-threshold signal). */
  requesterRisk: IdpRiskLevel;
  /** Identity actions this requester asked for in the policy's velocity window, this one included. */
  recentActions: number;
  /** MFA reset with no usable factor left: attestation path instead of a push. */
  noUsableFactor: boolean;
}

export interface CatalogueEntry {
  name: string;
  ownerEmail?: string;
  /** Longest grant, in days; requests default to it when the policy says grants are time-bound. */
  maxDays?: number;
}

/** A loaded policy file: the evaluator is pure; `@keyward/policy` implements it. */
export interface PolicyEngine {
  readonly version: string;
  readonly hash: string;
  evaluate(facts: PolicyFacts): Decision;
  readonly pushRateLimit: { limit: number; windowMs: number };
  /**
   * Flood control: new messages one chat user may send in the window. Beyond it a message is refused
   * before it is classified or looked up in the IdP (no card, one reply per window).
   */
  readonly messageRateLimit: { limit: number; windowMs: number };
  /**
   * Flood control: helpdesk cards one requester's escalations may post in the window. Beyond it the
   * cards are folded into one summary card; requests, states and audit events are unchanged.
   */
  readonly helpdeskFlood: { limit: number; windowMs: number };
  /** Minimum classifier confidence to act without asking. */
  readonly confidenceThreshold: number;
  /** How long a one-time secret waits for its owner. */
  readonly secretTtlMs: number;
  /** Requestable groups and apps, each with an owner. Nothing outside it is ever requested. */
  readonly catalogue: { groups: CatalogueEntry[]; apps: CatalogueEntry[] };
  /** True when the name matches a privileged group or role (after normalisation). */
  isPrivilegedName(name: string): boolean;
  readonly approvals: { reminderMs: number; expiryMs: number };
  readonly velocity: { limit: number; windowMs: number };
  /** Who may approve admin-approval cases in the helpdesk channel (IdP emails). */
  readonly helpdeskAdmins: string[];
  /** Conditional-access exceptions: time-boxed membership of this exclusion group. */
  readonly conditionalAccess: { exclusionGroup: string; defaultDays: number; maxDays: number };
  /** Grants announce their removal this long before expiry. */
  readonly expiryNoticeMs: number;
}
