import type { ActionKind } from '../domain/intent';
import type { Decision } from '../domain/request';
import type { IdpGroup, IdpUser } from './identity-provider';

/** Facts the policy decides on, gathered from the IdP before any write. */
export interface PolicyFacts {
  action: ActionKind;
  requester: IdpUser;
  target: IdpUser;
  targetAdminRoles: string[];
  targetGroups: IdpGroup[];
  /** The requester acts on themself (always true for self-service; checked, not assumed). */
  selfService: boolean;
  compromiseSuspected: boolean;
}

/** A loaded policy file: the evaluator is pure; `@keyward/policy` implements it. */
export interface PolicyEngine {
  readonly version: string;
  readonly hash: string;
  evaluate(facts: PolicyFacts): Decision;
  readonly pushRateLimit: { limit: number; windowMs: number };
  /** Minimum classifier confidence to act without asking. */
  readonly confidenceThreshold: number;
  /** How long a one-time secret waits for its owner. */
  readonly secretTtlMs: number;
}
