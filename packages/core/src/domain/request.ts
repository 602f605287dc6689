import type { ActionKind, IntentName } from './intent';
import type { ConversationRef, Escalation, PostedMessage } from './chat';

export const REQUEST_STATES = [
  'received',
  'understood',
  'clarifying',
  'decided',
  'verifying',
  'verified',
  'awaiting_approval',
  'approved',
  'queued',
  'executing',
  'succeeded',
  'answered',
  'failed',
  'refused',
  'escalated',
  'denied',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const TERMINAL_STATES: readonly RequestState[] = ['succeeded', 'answered', 'failed', 'refused', 'escalated', 'denied', 'expired', 'cancelled'];

export function isTerminal(state: RequestState): boolean {
  return TERMINAL_STATES.includes(state);
}

export type RiskBand = 'low' | 'low_medium' | 'medium' | 'high' | 'critical';
export type VerificationMethod = 'push' | 'none';

/** Who must approve: the requester's manager, the resource's owner, or a helpdesk admin in the channel. */
export type ApproverRole = 'manager' | 'app_owner' | 'group_owner' | 'helpdesk_admin';

export interface Approval {
  id: string;
  role: ApproverRole;
  /** Resolved approver; absent for `helpdesk_admin` (any listed admin in the helpdesk channel). */
  approver?: { idpUserId: string; chatUserId: string; displayName: string; email?: string };
  /** waiting = sequential, not asked yet; verifying = approver is passing a step-up. */
  state: 'waiting' | 'pending' | 'verifying' | 'approved' | 'denied' | 'expired' | 'cancelled';
  /** High band: a click in chat is not proof; the approver passes a push too (invariant 5). */
  stepUpRequired: boolean;
  stepUp?: StepUpState;
  requestedAt?: string;
  expiresAt?: string;
  remindedAt?: string;
  decidedBy?: { chatUserId: string; idpUserId?: string; displayName?: string; at: string; note?: string };
  /** Where this approval's card was posted (DM to the approver, or the helpdesk channel). */
  card?: PostedMessage;
}

/** A resource resolved from the policy's catalogue and the IdP (never free text). */
export interface ResolvedResource {
  kind: 'group' | 'app';
  id: string;
  name: string;
  ownerEmail?: string;
}

export interface HelpdeskCase {
  state: 'open' | 'taken' | 'resolved' | 'rejected';
  assignee?: { chatUserId: string; displayName?: string };
  note?: string;
  card?: PostedMessage;
  /** The escalation as first posted, to re-render the card when the case changes. */
  escalation?: Escalation;
  history: { at: string; by: string; action: string; note?: string }[];
}

/** The policy's verdict, persisted on the request; the worker re-evaluates before any write. */
export interface Decision {
  outcome: 'allow' | 'refuse' | 'escalate';
  action: ActionKind;
  band: RiskBand;
  verification: VerificationMethod;
  /** Id of the policy rule that decided. */
  rule: string;
  /** Approvals the action needs after verification, in order when `approvalMode` is sequential. */
  approvers: ApproverRole[];
  approvalMode: 'sequential' | 'parallel';
  /** Approvers must pass a step-up before their click counts (high band). */
  approverStepUp: boolean;
  /** Longest grant the policy allows for this action/resource (time-bound access), in days. */
  maxDurationDays?: number;
  /** Plain sentences for the helpdesk and the audit log. */
  reasons: string[];
  /** What the requester is told; never reveals which signal refused them in detail. */
  userMessage?: string;
  policyVersion: string;
  policyHash: string;
}

export interface StepUpState {
  /** `link`: OIDC re-authentication at `url` instead of a push (absent = push). */
  kind?: 'push' | 'link';
  url?: string;
  transactionId: string;
  factorId: string;
  factorType: string;
  /** Number-matching challenge the user must tap, when the IdP supports it. */
  numberChallenge?: number;
  startedAt: string;
  expiresAt: string;
  polls: number;
  result?: 'approved' | 'rejected' | 'timeout' | 'error';
}

/** A question the bot asked with buttons; options are the buttons' values and labels (plain text). */
export interface Clarification {
  text: string;
  options: { value: string; label: string }[];
}

export interface Requester {
  chatUserId: string;
  chatTeamId?: string;
  email?: string;
  displayName?: string;
  /** The IdP user the chat identity maps to (exactly one). */
  idpUserId?: string;
  idpLogin?: string;
  /** Entra object id the chat platform verified (Teams aadObjectId); maps directly with the Entra IdP. */
  entraObjectId?: string;
}

export interface ServiceRequest {
  id: string;
  /** Compare-and-swap version: every persisted change increments it. */
  version: number;
  state: RequestState;
  createdAt: string;
  updatedAt: string;
  /** Platform event that created it (dedup key), e.g. `slack:Ev123`. */
  sourceEventId: string;
  conversation: ConversationRef;
  requester: Requester;
  /** Self-service target: always the requester's own IdP id (invariant 1). */
  targetIdpUserId?: string;
  intent?: IntentName;
  action?: ActionKind;
  confidence?: number;
  evidence?: string[];
  classifier?: {
    name: string;
    version: string;
    model?: string;
    latencyMs?: number;
    usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
    fallbackReason?: string;
  };
  params: {
    compromiseSuspected?: boolean;
    /** The action the user said they do NOT want ("I don't need a reset"): answered, never run. */
    negatedTopic?: string;
    /** Someone other than the requester named as the target ("reset Bob's password"): refused. */
    namedTarget?: string;
    /** Other chat users the message mentions (Slack `<@U…>`, Teams `<at>`), as the surface reported them. */
    mentionedUsers?: string[];
    /** What the classifier proposed (group or app name), before resolution against the catalogue. */
    resourceName?: string;
    /** Requested duration, in days (time-bound access). */
    durationDays?: number;
    /** What the requester asked for when the policy's maximum cut it short (shown to them and approvers). */
    requestedDays?: number;
    /** The requester's own words on why (shown to approvers), plain text. */
    reason?: string;
    /** MFA reset without a usable factor: manager attestation + helpdesk instead of a push. */
    attestation?: boolean;
  };
  /** The group or app, resolved against the catalogue and the IdP. */
  resource?: ResolvedResource;
  /** Time-bound grant: when the access is removed again (ISO). */
  accessUntil?: string;
  approvals: Approval[];
  helpdeskCase?: HelpdeskCase;
  /** The message as typed. Kept so a crashed worker can resume; never copied into the audit log. */
  text: string;
  decision?: Decision;
  stepUp?: StepUpState;
  outcome?: {
    idpRequestId?: string;
    errorCode?: string;
    /** Safe, user-facing summary. */
    summary?: string;
    /** A one-time secret is waiting in the vault for the requester. */
    secretPending?: boolean;
  };
  /**
   * The open question asked with buttons (state `clarifying`): its text and options, so the message
   * can be put in its final state ("…You chose: design-team.") once answered. Cleared by the answer;
   * still set on a request that ended while it was asked (cancelled), whose question is then closed.
   */
  clarification?: Clarification;
  /** Messages the bot posted, by purpose (to update them to their final state; prompt slots: use-cases/prompt-state.ts). */
  messages: Record<string, PostedMessage>;
  /**
   * The IdP write of this request: `startedAt` is saved just before the call and `settledAt` once
   * the IdP has answered (success or an error answer). Started but not settled on a retry means the
   * last worker died with the write in flight — it may have been applied (invariant: at most one
   * write per request; see execute-action).
   */
  write?: { startedAt: string; settledAt?: string; attempts: number };
}
