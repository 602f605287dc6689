import { AppError } from './app-error';
import type { Decision, RequestState, ServiceRequest } from './request';
import { REQUEST_STATES, TERMINAL_STATES, isTerminal } from './request';
import type { RequestEvent } from './request-machine';
import { canApply, transition } from './request-machine';
import type { Classification } from './intent';

const NOW = new Date('2025-01-06T10:00:00.000Z');

function request(state: RequestState, overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    id: 'rq_1',
    version: 7,
    state,
    createdAt: '2025-01-06T09:00:00.000Z',
    updatedAt: '2025-01-06T09:00:00.000Z',
    sourceEventId: 'Ev1',
    conversation: { surface: 'console', channelId: 'D1' },
    requester: { chatUserId: 'U1' },
    params: {},
    text: 'reset my password',
    messages: { first: { conversation: { surface: 'console', channelId: 'D1' }, messageId: 'm1' } },
    approvals: [{ id: 'a1', role: 'manager', state: 'pending', stepUpRequired: false }],
    stepUp: { transactionId: 'tx', factorId: 'f', factorType: 'push', startedAt: '', expiresAt: '', polls: 2 },
    outcome: { summary: 'before' },
    ...overrides,
  };
}

function cls(overrides: Partial<Classification> = {}): Classification {
  return {
    intent: 'password_reset',
    confidence: 0.9,
    alternatives: [],
    slots: {},
    evidence: ['password'],
    compromiseSuspected: false,
    negated: false,
    classifier: { name: 'c', version: '1' },
    ...overrides,
  };
}

const decision: Decision = {
  outcome: 'allow',
  action: 'password_reset',
  band: 'low',
  verification: 'push',
  rule: 'self-service:password_reset',
  reasons: [],
  policyVersion: 'v',
  policyHash: 'h',
  approvers: [],
  approvalMode: 'sequential',
  approverStepUp: false,
};

/** One sample of every event type. */
const EVENTS: Record<RequestEvent['type'], RequestEvent> = {
  understood: { type: 'understood', classification: cls() },
  clarification_asked: { type: 'clarification_asked' },
  answered: { type: 'answered', summary: 'greeted' },
  decided: { type: 'decided', decision },
  refused: { type: 'refused', reason: 'no' },
  escalated: { type: 'escalated', reason: 'human' },
  verification_started: { type: 'verification_started', stepUp: { transactionId: 'tx2', factorId: 'f', factorType: 'push', startedAt: '', expiresAt: '', polls: 0 } },
  verification_polled: { type: 'verification_polled' },
  verified: { type: 'verified' },
  verification_failed: { type: 'verification_failed', result: 'rejected', reason: 'push rejected' },
  queued: { type: 'queued' },
  execution_started: { type: 'execution_started' },
  write_started: { type: 'write_started' },
  write_settled: { type: 'write_settled', errorCode: 'idp.rate_limited' },
  succeeded: { type: 'succeeded', summary: 'done', idpRequestId: 'idp-1', secretPending: true },
  secret_delivered: { type: 'secret_delivered' },
  failed: { type: 'failed', errorCode: 'idp.denied', summary: 'failed' },
  cancelled: { type: 'cancelled', by: 'requester' },
  expired: { type: 'expired' },
  approval_requested: { type: 'approval_requested', approvals: [{ id: 'a1', role: 'manager', state: 'pending', stepUpRequired: false }] },
  approval_updated: { type: 'approval_updated', approval: { id: 'a1', role: 'manager', state: 'approved', stepUpRequired: false } },
  approved: { type: 'approved' },
  denied: { type: 'denied', by: 'Frank', note: 'not needed' },
  case_updated: { type: 'case_updated', helpdeskCase: { state: 'taken', history: [] } },
  message_recorded: { type: 'message_recorded', slot: 'card', posted: { conversation: { surface: 'console', channelId: 'D2' }, messageId: 'm2' } },
  access_revoked: { type: 'access_revoked', idpRequestId: 'idp-2' },
};

/** Bookkeeping that every state accepts without changing it. */
const EVERY: Partial<Record<RequestState, RequestState>> = Object.fromEntries(REQUEST_STATES.map((s) => [s, s]));

/**
 * The state machine as DESIGN.md describes it, written out independently of the implementation's
 * table: event → (from state → to state). A row missing here must be rejected.
 */
const EXPECTED: Record<RequestEvent['type'], Partial<Record<RequestState, RequestState>>> = {
  understood: { received: 'understood', clarifying: 'understood' },
  clarification_asked: { understood: 'clarifying' },
  answered: { understood: 'answered' },
  decided: { understood: 'decided' },
  refused: { received: 'refused', understood: 'refused', decided: 'refused', verified: 'refused', approved: 'refused', queued: 'refused', executing: 'refused' },
  escalated: {
    received: 'escalated', understood: 'escalated', clarifying: 'escalated', decided: 'escalated',
    verifying: 'escalated', verified: 'escalated', awaiting_approval: 'escalated', queued: 'escalated', executing: 'escalated',
  },
  verification_started: { decided: 'verifying' },
  verification_polled: { verifying: 'verifying' },
  verified: { verifying: 'verified' },
  verification_failed: { verifying: 'refused' },
  queued: { verified: 'queued', approved: 'queued', decided: 'queued' },
  execution_started: { queued: 'executing', executing: 'executing' },
  write_started: { executing: 'executing' },
  write_settled: { executing: 'executing' },
  succeeded: { executing: 'succeeded' },
  secret_delivered: { succeeded: 'succeeded' },
  failed: { queued: 'failed', executing: 'failed' },
  cancelled: { received: 'cancelled', understood: 'cancelled', clarifying: 'cancelled', decided: 'cancelled', verifying: 'cancelled', awaiting_approval: 'cancelled' },
  expired: { clarifying: 'expired', verifying: 'expired', awaiting_approval: 'expired' },
  approval_requested: { decided: 'awaiting_approval', verifying: 'awaiting_approval', verified: 'awaiting_approval' },
  approval_updated: {
    awaiting_approval: 'awaiting_approval', approved: 'approved', denied: 'denied', expired: 'expired', cancelled: 'cancelled',
    refused: 'refused', queued: 'queued', executing: 'executing', succeeded: 'succeeded', failed: 'failed',
  },
  approved: { awaiting_approval: 'approved' },
  denied: { awaiting_approval: 'denied' },
  case_updated: EVERY,
  message_recorded: EVERY,
  access_revoked: { succeeded: 'succeeded' },
};

const EVENT_TYPES = Object.keys(EVENTS) as RequestEvent['type'][];
const cases = REQUEST_STATES.flatMap((state) => EVENT_TYPES.map((type) => ({ state, type, to: EXPECTED[type][state] })));

describe('transition', () => {
  it.each(cases.filter((c) => c.to !== undefined))('applies $type in $state → $to with version + 1', ({ state, type, to }) => {
    const before = request(state);
    const next = transition(before, EVENTS[type], NOW);
    expect(next.state).toBe(to);
    expect(next.version).toBe(before.version + 1);
    expect(next.updatedAt).toBe(NOW.toISOString());
    expect(canApply(state, type)).toBe(true);
  });

  it.each(cases.filter((c) => c.to === undefined))('rejects $type in $state with request.invalid_transition', ({ state, type }) => {
    expect(canApply(state, type)).toBe(false);
    let thrown: unknown;
    try {
      transition(request(state), EVENTS[type], NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('request.invalid_transition');
    expect((thrown as AppError).retryable).toBe(false);
  });

  it.each([...TERMINAL_STATES])('never changes the state of a terminal request (%s)', (state) => {
    expect(isTerminal(state)).toBe(true);
    for (const type of EVENT_TYPES) {
      let next: ServiceRequest | undefined;
      try {
        next = transition(request(state), EVENTS[type], NOW);
      } catch (error) {
        expect((error as AppError).code).toBe('request.invalid_transition');
        continue;
      }
      expect(next.state).toBe(state);
    }
  });

  it('covers every state and event of the domain in the expectations', () => {
    // Guards this test against a new state/event being added without a decision about it.
    expect(Object.keys(EXPECTED).sort()).toEqual([...EVENT_TYPES].sort());
    for (const to of Object.values(EXPECTED).flatMap((row) => Object.values(row))) expect(REQUEST_STATES).toContain(to);
  });

  it('does not mutate its input', () => {
    for (const { state, type } of cases.filter((c) => c.to !== undefined)) {
      const before = request(state);
      const snapshot = structuredClone(before);
      const next = transition(before, EVENTS[type], NOW);
      expect(before).toEqual(snapshot);
      expect(next).not.toBe(before);
      expect(next.params).not.toBe(before.params);
      expect(next.messages).not.toBe(before.messages);
    }
  });

  it('sets no action for a negated classification', () => {
    const next = transition(request('received'), { type: 'understood', classification: cls({ negated: true }) }, NOW);
    expect(next.intent).toBe('password_reset');
    expect(next.action).toBeUndefined();
  });

  it('sets the action for a plain action classification and none for a conversational one', () => {
    expect(transition(request('received'), { type: 'understood', classification: cls() }, NOW).action).toBe('password_reset');
    expect(transition(request('received'), { type: 'understood', classification: cls({ intent: 'greeting' }) }, NOW).action).toBeUndefined();
  });

  it('records the classification and the compromise flag on understood', () => {
    const next = transition(request('received'), { type: 'understood', classification: cls({ compromiseSuspected: true, confidence: 0.42, evidence: ['someone has'] }) }, NOW);
    expect(next).toMatchObject({ confidence: 0.42, evidence: ['someone has'], classifier: { name: 'c', version: '1' }, params: { compromiseSuspected: true } });
    expect(transition(request('received'), EVENTS.understood, NOW).params.compromiseSuspected).toBeUndefined();
  });

  it('persists the decision and its action on decided, and the optional decision on refused', () => {
    const decided = transition(request('understood', { action: 'account_unlock' }), EVENTS.decided, NOW);
    expect(decided.decision).toEqual(decision);
    expect(decided.action).toBe('password_reset');
    const refused = transition(request('decided'), { type: 'refused', decision: { ...decision, outcome: 'refuse' }, reason: 're-check' }, NOW);
    expect(refused.decision?.outcome).toBe('refuse');
    expect(refused.outcome?.summary).toBe('re-check');
  });

  it('tracks the step-up: started, polled, verified, failed', () => {
    const started = transition(request('decided'), EVENTS.verification_started, NOW);
    expect(started.stepUp?.transactionId).toBe('tx2');
    const polled = transition(started, EVENTS.verification_polled, NOW);
    expect(polled.stepUp?.polls).toBe(1);
    expect(transition(polled, EVENTS.verified, NOW).stepUp?.result).toBe('approved');
    const failed = transition(polled, { type: 'verification_failed', result: 'timeout', reason: 'push timed out' }, NOW);
    expect(failed.stepUp?.result).toBe('timeout');
    expect(failed.outcome).toMatchObject({ errorCode: 'stepup.timeout', summary: 'push timed out' });
  });

  it('records the outcome on succeeded, failed, cancelled and answered', () => {
    expect(transition(request('executing'), EVENTS.succeeded, NOW).outcome).toEqual({ idpRequestId: 'idp-1', summary: 'done', secretPending: true });
    expect(transition(request('executing'), EVENTS.failed, NOW).outcome).toMatchObject({ errorCode: 'idp.denied', summary: 'failed' });
    expect(transition(request('verifying'), EVENTS.cancelled, NOW).outcome?.summary).toBe('cancelled by requester');
    expect(transition(request('understood'), EVENTS.answered, NOW).outcome?.summary).toBe('greeted');
  });

  it('escalating a request awaiting approval cancels its open approvals in the same write, and keeps decided ones', () => {
    const waiting = request('awaiting_approval', {
      approvals: [
        { id: 'a1', role: 'manager', state: 'approved', stepUpRequired: false },
        { id: 'a2', role: 'app_owner', state: 'pending', stepUpRequired: false },
        { id: 'a3', role: 'helpdesk_admin', state: 'waiting', stepUpRequired: false },
      ],
    });
    const escalated = transition(waiting, { type: 'escalated', reason: 'approval undeliverable' }, NOW);
    expect(escalated.state).toBe('escalated');
    expect(escalated.approvals.map((a) => a.state)).toEqual(['approved', 'cancelled', 'cancelled']);
    expect(escalated.outcome?.summary).toBe('approval undeliverable');
  });

  it('marks the secret delivered without leaving succeeded', () => {
    const done = transition(request('executing'), EVENTS.succeeded, NOW);
    const delivered = transition(done, EVENTS.secret_delivered, NOW);
    expect(delivered.state).toBe('succeeded');
    expect(delivered.outcome).toEqual({ idpRequestId: 'idp-1', summary: 'done', secretPending: false });
  });
});
