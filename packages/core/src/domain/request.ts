import type { ActionKind, IntentName } from './intent';
import type { ConversationRef } from './chat';

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

/** The policy's verdict, persisted on the request; the worker re-evaluates before any write. */
export interface Decision {
  outcome: 'allow' | 'refuse' | 'escalate';
  action: ActionKind;
  band: RiskBand;
  verification: VerificationMethod;
  /** Id of the policy rule that decided. */
  rule: string;
  /** Plain sentences for the helpdesk and the audit log. */
  reasons: string[];
  /** What the requester is told; never reveals which signal refused them in detail. */
  userMessage?: string;
  policyVersion: string;
  policyHash: string;
}

export interface StepUpState {
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

export interface Requester {
  chatUserId: string;
  chatTeamId?: string;
  email?: string;
  displayName?: string;
  /** The IdP user the chat identity maps to (exactly one). */
  idpUserId?: string;
  idpLogin?: string;
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
  classifier?: { name: string; version: string; model?: string };
  params: {
    compromiseSuspected?: boolean;
    /** The action the user said they do NOT want ("I don't need a reset"): answered, never run. */
    negatedTopic?: string;
    /** Someone other than the requester named as the target ("reset Bob's password"): refused. */
    namedTarget?: string;
  };
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
  /** Message ids the bot posted (to update them to their final state). */
  messages: Record<string, string>;
}
