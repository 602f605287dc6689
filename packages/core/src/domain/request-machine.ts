import { AppError } from './app-error';
import type { Decision, RequestState, ServiceRequest, StepUpState } from './request';
import { isTerminal } from './request';
import type { Classification } from './intent';
import { isActionKind } from './intent';

/** Everything that can happen to a request. Each accepted event becomes one audit event. */
export type RequestEvent =
  | { type: 'understood'; classification: Classification }
  | { type: 'clarification_asked' }
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
  | { type: 'succeeded'; idpRequestId?: string; summary: string; secretPending?: boolean }
  | { type: 'secret_delivered' }
  | { type: 'failed'; errorCode: string; summary: string }
  | { type: 'cancelled'; by: string }
  | { type: 'expired' };

/** Where each event may be applied from. The table is the state machine; `transition` enforces it. */
const ALLOWED: Record<RequestEvent['type'], readonly RequestState[]> = {
  understood: ['received', 'clarifying'],
  clarification_asked: ['understood'],
  answered: ['understood'],
  decided: ['understood'],
  refused: ['received', 'understood', 'decided', 'verified', 'approved', 'queued', 'executing'],
  escalated: ['received', 'understood', 'clarifying', 'decided', 'verifying', 'verified', 'queued', 'executing'],
  verification_started: ['decided'],
  verification_polled: ['verifying'],
  verified: ['verifying'],
  verification_failed: ['verifying'],
  queued: ['verified', 'approved', 'decided'],
  execution_started: ['queued', 'executing'],
  succeeded: ['executing'],
  secret_delivered: ['succeeded'],
  failed: ['queued', 'executing'],
  cancelled: ['received', 'understood', 'clarifying', 'decided', 'verifying', 'awaiting_approval'],
  expired: ['clarifying', 'verifying', 'awaiting_approval'],
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
  succeeded: 'succeeded',
  secret_delivered: null,
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
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
      next.classifier = c.classifier;
      next.params.compromiseSuspected = c.compromiseSuspected || undefined;
      next.params.negatedTopic = c.negated ? (c.slots.topic ?? c.intent) : undefined;
      next.params.namedTarget = c.slots.target;
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
    case 'succeeded':
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
    case 'expired':
    case 'clarification_asked':
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
