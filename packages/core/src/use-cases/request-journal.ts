import { AppError } from '../domain/app-error';
import type { ServiceRequest } from '../domain/request';
import type { RequestEvent } from '../domain/request-machine';
import { transition } from '../domain/request-machine';
import type { AuditEventInput } from '../ports/audit-log';
import type { CoreDeps } from './core-deps';

type JournalDeps = Pick<CoreDeps, 'store' | 'audit' | 'clock' | 'policy' | 'agent'>;

/**
 * Applies one event: pure transition → compare-and-swap save → audit event. The audit event is
 * written only after the save won, so the log never shows a transition that did not happen.
 * A lost race throws `request.version_conflict` (retryable): the caller re-reads and decides again.
 */
export async function applyEvent(deps: JournalDeps, request: ServiceRequest, event: RequestEvent, extra: Partial<AuditEventInput> = {}): Promise<ServiceRequest> {
  const next = transition(request, event, deps.clock.now());
  const saved = await deps.store.save(next);
  if (!saved) {
    throw new AppError('request.version_conflict', `request ${request.id} changed concurrently`, { retryable: true, details: { requestId: request.id } });
  }
  await recordAudit(deps, next, `request.${event.type}`, { ...eventDetails(event), ...extra });
  return next;
}

/** An audit event about a request without a state change (a click, a dedup, a delivery). */
export async function recordAudit(deps: JournalDeps, request: ServiceRequest, type: string, extra: Partial<AuditEventInput> = {}): Promise<void> {
  const { details, ...rest } = extra;
  await deps.audit.append({
    requestId: request.id,
    at: deps.clock.now(),
    type,
    state: request.state,
    channel: { surface: request.conversation.surface, channelId: request.conversation.channelId, threadId: request.conversation.threadId },
    requester: { chatUserId: request.requester.chatUserId, idpUserId: request.requester.idpUserId },
    target: request.targetIdpUserId ? { idpUserId: request.targetIdpUserId } : undefined,
    action: request.action,
    agent: {
      name: deps.agent.name,
      version: deps.agent.version,
      model: request.classifier?.model,
      intent: request.intent,
      confidence: request.confidence,
      evidence: request.evidence,
      latencyMs: request.classifier?.latencyMs,
      tokens: request.classifier?.usage
        ? { prompt: request.classifier.usage.promptTokens, completion: request.classifier.usage.completionTokens, total: request.classifier.usage.totalTokens }
        : undefined,
      fallbackReason: request.classifier?.fallbackReason,
    },
    verification: request.stepUp ? { factor: request.stepUp.factorType, result: request.stepUp.result ?? 'pending' } : undefined,
    policy: {
      version: request.decision?.policyVersion ?? deps.policy.version,
      hash: request.decision?.policyHash ?? deps.policy.hash,
      rule: request.decision?.rule,
      decision: request.decision?.outcome,
    },
    outcome: request.outcome?.summary,
    idpRequestId: request.outcome?.idpRequestId,
    params: auditParams(request),
    approvals:
      request.approvals.length > 0
        ? request.approvals.map((a) => ({
            approver: a.decidedBy?.displayName ?? a.approver?.displayName ?? a.role,
            decision: a.stepUp?.result ? `${a.state} (step-up ${a.stepUp.result})` : a.state,
            at: a.decidedBy?.at ?? a.requestedAt ?? '',
          }))
        : undefined,
    details,
    ...rest,
  });
}

function eventDetails(event: RequestEvent): Partial<AuditEventInput> {
  switch (event.type) {
    case 'refused':
    case 'escalated':
    case 'verification_failed':
      return { details: { reason: event.reason } };
    case 'failed':
      return { details: { errorCode: event.errorCode } };
    case 'write_settled':
      return event.errorCode ? { details: { errorCode: event.errorCode } } : {};
    case 'cancelled':
      return { details: { by: event.by } };
    default:
      return {};
  }
}

/** The action's parameters for the audit event: what was requested, never a secret or the raw text. */
function auditParams(request: ServiceRequest): Record<string, unknown> | undefined {
  const params: Record<string, unknown> = {};
  if (request.params.compromiseSuspected) params.compromiseSuspected = true;
  if (request.resource) params.resource = { kind: request.resource.kind, id: request.resource.id, name: request.resource.name };
  if (request.params.durationDays !== undefined) params.durationDays = request.params.durationDays;
  if (request.accessUntil) params.accessUntil = request.accessUntil;
  if (request.params.attestation) params.attestation = true;
  return Object.keys(params).length > 0 ? params : undefined;
}

/**
 * Records bookkeeping that must not be lost to a concurrent transition (a card was already posted:
 * failing here would make the job retry and post it again). Re-reads and re-applies on a version
 * conflict; `build` returns undefined when the fresh request no longer needs the change.
 */
export async function applyWithRetry(
  deps: JournalDeps,
  requestId: string,
  build: (fresh: ServiceRequest) => RequestEvent | undefined,
  extra: Partial<AuditEventInput> = {},
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const fresh = await deps.store.get(requestId);
    if (!fresh) return;
    const event = build(fresh);
    if (!event) return;
    try {
      await applyEvent(deps, fresh, event, extra);
      return;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'request.version_conflict')) throw error;
    }
  }
  throw new AppError('request.version_conflict', `request ${requestId} kept changing; bookkeeping not recorded`, { retryable: true });
}
