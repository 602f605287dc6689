import { AppError } from './app-error';
import type { Approval, Clarification, Decision, HelpdeskCase, RequestState, ServiceRequest, StepUpState } from './request';
import { REQUEST_STATES } from './request';
import type { PostedMessage } from './chat';
import { isTerminal } from './request';
import type { Classification } from './intent';
import { isActionKind } from './intent';

/** Everything that can happen to a request. Each accepted event becomes one audit event. */
export type RequestEvent =
  | { type: 'understood'; classification: Classification }
  | { type: 'clarification_asked'; question?: Clarification }
  | { type: 'answered'; summary: string }
  | { type: 'decided'; decision: Decision }
  | { type: 'refused'; decision?: Decision; reason: string }
  | { type: 'escalated'; reason: string }
  | { type: 'verification_started'; stepUp: StepUpState }
  | { type: 'verification_polled' }
  | { type: 'verified' }
  | { type: 'verification_failed'; result: 'rejected' | 'timeout' | 'error'; reason: string }
  | { type: 'queued' }
  | { type: 'execution_started' }
  | { type: 'write_started' }
  | { type: 'write_settled'; errorCode?: string }
  | { type: 'succeeded'; idpRequestId?: string; summary: string; secretPending?: boolean }
  | { type: 'secret_delivered' }
  | { type: 'failed'; errorCode: string; summary: string }
  | { type: 'cancelled'; by: string }
  | { type: 'expired' }
  | { type: 'approval_requested'; approvals: Approval[]; decision?: Decision }
  | { type: 'approval_updated'; approval: Approval }
  | { type: 'approved' }
  | { type: 'denied'; by: string; note?: string }
  | { type: 'case_updated'; helpdeskCase: HelpdeskCase }
  | { type: 'message_recorded'; slot: string; posted: PostedMessage }
  | { type: 'access_revoked'; idpRequestId?: string };

/** Bookkeeping events: allowed in every state, never change it (a terminal state stays terminal). */
const EVERY_STATE = REQUEST_STATES;

/** Where each event may be applied from. The table is the state machine; `transition` enforces it. */
const ALLOWED: Record<RequestEvent['type'], readonly RequestState[]> = {
  understood: ['received', 'clarifying'],
  clarification_asked: ['understood'],
  answered: ['understood'],
  decided: ['understood'],
  refused: ['received', 'understood', 'decided', 'verified', 'approved', 'queued', 'executing'],
  escalated: ['received', 'understood', 'clarifying', 'decided', 'verifying', 'verified', 'awaiting_approval', 'queued', 'executing'],
  verification_started: ['decided'],
  verification_polled: ['verifying'],
  verified: ['verifying'],
  verification_failed: ['verifying'],
  queued: ['verified', 'approved', 'decided'],
  execution_started: ['queued', 'executing'],
  write_started: ['executing'],
  write_settled: ['executing'],
  succeeded: ['executing'],
  secret_delivered: ['succeeded'],
  failed: ['queued', 'executing'],
  cancelled: ['received', 'understood', 'clarifying', 'decided', 'verifying', 'awaiting_approval'],
  expired: ['clarifying', 'verifying', 'awaiting_approval'],
  approval_requested: ['decided', 'verifying', 'verified'],
  approval_updated: ['awaiting_approval', 'approved', 'denied', 'expired', 'cancelled', 'refused', 'queued', 'executing', 'succeeded', 'failed'],
  approved: ['awaiting_approval'],
  denied: ['awaiting_approval'],
  case_updated: EVERY_STATE,
  message_recorded: EVERY_STATE,
  access_revoked: ['succeeded'],
};

const TARGET: Record<RequestEvent['type'], RequestState | null> = {
  understood: 'understood',
  clarification_asked: 'clarifying',
  answered: 'answered',
  decided: 'decided',
  refused: 'refused',
  escalated: 'escalated',
  verification_started: 'verifying',
  verification_polled: null,
  verified: 'verified',
  verification_failed: 'refused',
  queued: 'queued',
  execution_started: 'executing',
  write_started: null,
  write_settled: null,
  succeeded: 'succeeded',
  secret_delivered: null,
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
  approval_requested: 'awaiting_approval',
  approval_updated: null,
  approved: 'approved',
  denied: 'denied',
  case_updated: null,
  message_recorded: null,
  access_revoked: null,
};

export function canApply(state: RequestState, event: RequestEvent['type']): boolean {
  return ALLOWED[event].includes(state);
}

/**
 * Pure: returns the next request, or throws `request.invalid_transition`. A terminal state never
 * changes except for bookkeeping that does not change the state (secret delivered).
 * `now` is passed in (no clock inside logic).
 */
export function transition(request: ServiceRequest, event: RequestEvent, now: Date): ServiceRequest {
  if (!canApply(request.state, event.type)) {
    throw new AppError('request.invalid_transition', `cannot apply ${event.type} in state ${request.state}`, {
      details: { requestId: request.id, state: request.state, event: event.type },
    });
  }
  const next: ServiceRequest = {
    ...request,
    params: { ...request.params },
    messages: { ...request.messages },
    approvals: request.approvals.map((a) => ({ ...a })),
    version: request.version + 1,
    updatedAt: now.toISOString(),
    state: TARGET[event.type] ?? request.state,
  };
  switch (event.type) {
    case 'understood': {
      const c = event.classification;
      next.intent = c.intent;
      next.action = isActionKind(c.intent) && !c.negated ? c.intent : undefined;
      next.confidence = c.confidence;
      next.evidence = c.evidence;
      next.classifier = { ...c.classifier, latencyMs: c.latencyMs, usage: c.usage, fallbackReason: c.fallbackReason };
      next.params.compromiseSuspected = c.compromiseSuspected || undefined;
      next.params.negatedTopic = c.negated ? (c.slots.topic ?? c.intent) : undefined;
      next.params.namedTarget = c.slots.target;
      // A clarification answer keeps the resource named earlier unless it names a new one.
      next.params.resourceName = c.slots.group ?? c.slots.app ?? request.params.resourceName;
      // The question (if any) is answered: no longer open, so nothing later closes it a second time.
      next.clarification = undefined;
      break;
    }
    case 'decided':
      next.decision = event.decision;
      next.action = event.decision.action;
      break;
    case 'refused':
      if (event.decision) next.decision = event.decision;
      next.outcome = { ...next.outcome, summary: event.reason };
      break;
    case 'escalated':
      next.outcome = { ...next.outcome, summary: event.reason };
      // From awaiting_approval (an approver who cannot be reached): the open approvals end in the
      // same write, so no later click, reminder or expiry acts on an escalated request.
      next.approvals = next.approvals.map((a) => (a.state === 'waiting' || a.state === 'pending' || a.state === 'verifying' ? { ...a, state: 'cancelled' } : a));
      break;
    case 'answered':
      next.outcome = { ...next.outcome, summary: event.summary };
      break;
    case 'verification_started':
      next.stepUp = event.stepUp;
      break;
    case 'verification_polled':
      if (next.stepUp) next.stepUp = { ...next.stepUp, polls: next.stepUp.polls + 1 };
      break;
    case 'verified':
      if (next.stepUp) next.stepUp = { ...next.stepUp, result: 'approved' };
      break;
    case 'verification_failed':
      if (next.stepUp) next.stepUp = { ...next.stepUp, result: event.result };
      next.outcome = { ...next.outcome, errorCode: `stepup.${event.result}`, summary: event.reason };
      break;
    case 'write_started':
      next.write = { startedAt: now.toISOString(), attempts: (request.write?.attempts ?? 0) + 1 };
      break;
    case 'write_settled':
      if (next.write) next.write = { ...next.write, settledAt: now.toISOString() };
      break;
    case 'succeeded':
      if (next.write && !next.write.settledAt) next.write = { ...next.write, settledAt: now.toISOString() };
      next.outcome = { idpRequestId: event.idpRequestId, summary: event.summary, secretPending: event.secretPending };
      break;
    case 'secret_delivered':
      next.outcome = { ...next.outcome, secretPending: false };
      break;
    case 'failed':
      next.outcome = { ...next.outcome, errorCode: event.errorCode, summary: event.summary };
      break;
    case 'cancelled':
      next.outcome = { ...next.outcome, summary: `cancelled by ${event.by}` };
      break;
    case 'approval_requested':
      next.approvals = event.approvals.map((a) => ({ ...a }));
      // The attestation path (MFA reset, no usable factor) replaces the push decision.
      if (event.decision) next.decision = event.decision;
      break;
    case 'approval_updated': {
      const index = next.approvals.findIndex((a) => a.id === event.approval.id);
      if (index < 0) throw new AppError('request.invalid_transition', `no approval ${event.approval.id} on ${request.id}`);
      next.approvals[index] = { ...event.approval };
      break;
    }
    case 'denied':
      next.outcome = { ...next.outcome, summary: `denied by ${event.by}` };
      break;
    case 'case_updated':
      next.helpdeskCase = { ...event.helpdeskCase, history: [...event.helpdeskCase.history] };
      break;
    case 'message_recorded':
      next.messages[event.slot] = event.posted;
      break;
    case 'access_revoked':
      next.outcome = { ...next.outcome, summary: 'access removed at expiry' };
      break;
    case 'clarification_asked':
      next.clarification = event.question ? { text: event.question.text, options: event.question.options.map((o) => ({ ...o })) } : undefined;
      break;
    case 'approved':
    case 'expired':
    case 'queued':
    case 'execution_started':
      break;
  }
  if (isTerminal(request.state) && next.state !== request.state) {
    // Unreachable through ALLOWED, kept as a guard: a terminal state never flips.
    throw new AppError('request.invalid_transition', `terminal state ${request.state} cannot change`);
  }
  return next;
}
