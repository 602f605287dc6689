import { AppError, isAppError } from '../domain/app-error';
import type { ActionKind } from '../domain/intent';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { notifyHelpdesk, notifyRequester, requestFacts } from './notify';
import { replies } from './replies';
import { applyEvent } from './request-journal';
import { gatherPolicyFacts } from './resolve-requester';
import { finalizeCards } from './handle-approval';
import { scheduleAccessExpiry } from './access-expiry';
import { countTowardsVelocity } from './velocity';

/**
 * Worker: run the approved action against the IdP. Invariant 3: the persisted decision is not
 * enough — the policy is evaluated again on fresh facts right before the write.
 * Retryable IdP errors are rethrown for the queue (which honours `retryAfterMs`); anything else ends
 * the request as failed and escalates.
 *
 * At most one IdP write per request (ADR 0007): `write_started` is saved just before the call and
 * `write_settled` once the IdP has answered with an error. A retry that finds the write started but
 * not settled (the last worker died, or the connection broke, with the call in flight) knows it may
 * have been applied: actions whose repeat the IdP makes a no-op go again (see REPEAT_ON_DOUBT); the
 * others end as "outcome unknown", escalated, never written twice.
 */
/**
 * Which actions may be sent again when an earlier attempt's write may have been applied. True: the
 * adapters check the IdP's state first or the IdP refuses the repeat (already a member, already
 * assigned, not locked, no factors left), so a repeat writes nothing — or, for sign-out everywhere,
 * the repeat changes nothing and not repeating could leave an intruder signed in. False: a repeat
 * would hand out a second secret (reset link, temporary password, Temporary Access Pass).
 */
const REPEAT_ON_DOUBT: Record<ActionKind, boolean> = {
  account_unlock: true,
  session_revoke: true,
  group_membership_add: true,
  group_membership_remove: true,
  app_access_request: true,
  conditional_access_change: true,
  password_reset: false,
  mfa_reset: false,
  privileged_access_request: false,
};

/** What the requester is told about when a write's outcome is unknown. */
const IN_DOUBT_NOUN: Partial<Record<ActionKind, string>> = { password_reset: 'password reset', mfa_reset: 'MFA reset' };

export async function executeAction(deps: CoreDeps, requestId: string): Promise<void> {
  const loaded = await deps.store.get(requestId);
  if (!loaded) throw new AppError('request.not_found', `request ${requestId} not found`);
  let request: ServiceRequest = loaded;
  if (request.state === 'queued') request = await applyEvent(deps, request, { type: 'execution_started' });
  else if (request.state !== 'executing') return;

  const userId = request.targetIdpUserId;
  const action = request.action;
  if (!userId || !action || userId !== request.requester.idpUserId) {
    // Unreachable through the use cases; a corrupted row must not become a write on someone else.
    return fail(deps, request, 'policy.refused', 'target is not the verified requester');
  }
  const persisted = request.decision;
  const approvalsMissing = (persisted?.approvers.length ?? 0) > 0 && (request.approvals.length === 0 || request.approvals.some((a) => a.state !== 'approved'));
  if (!persisted || persisted.outcome !== 'allow' || persisted.action !== action || (persisted.verification === 'push' && request.stepUp?.result !== 'approved') || approvalsMissing) {
    // Invariant 3, first half: the persisted decision for this exact request must allow this exact
    // action (and its step-up must have passed); a fresh "allow" from the re-check alone is not enough.
    return fail(deps, request, 'policy.refused', 'the persisted decision does not allow this write');
  }

  // A write started by an earlier attempt and never answered: it may have been applied.
  const inDoubt = request.write !== undefined && request.write.settledAt === undefined;
  if (inDoubt && !REPEAT_ON_DOUBT[action]) return outcomeUnknown(deps, request, action);

  /** Marks the write started (durably), runs it, and marks it settled when the IdP answered an error. */
  const write = async <T>(call: () => Promise<T>): Promise<T> => {
    request = await applyEvent(deps, request, { type: 'write_started' });
    try {
      return await call();
    } catch (error) {
      if (idpAnswered(error)) request = await applyEvent(deps, request, { type: 'write_settled', errorCode: error.code });
      throw error;
    }
  };

  try {
    const requester = await deps.idp.getUser(userId);
    // Velocity was counted when the request reached its step-up; the re-check must not count it again.
    const decision = deps.policy.evaluate(await gatherPolicyFacts(deps, request, requester, { recentActions: 1 }));
    if (decision.outcome !== 'allow') {
      await notifyRequester(deps, request, 'recheck', { text: decision.userMessage ?? replies.failed().text, tone: 'warning' });
      await notifyHelpdesk(deps, request, 'recheck', {
        reason: `Refused at execution (facts changed while waiting): ${decision.reasons.join(' ')}`,
        facts: requestFacts(request),
        severity: 'critical',
      }, { security: 'alert' });
      request = await applyEvent(deps, request, { type: 'refused', decision, reason: `re-check: ${decision.rule}` });
      await finalizeCards(deps, request, 'Approved, but refused at execution: the facts changed while it waited. Nothing was changed.');
      return;
    }
    // A request that reaches its write without a step-up of its own (approvals only) counts towards
    // the velocity window here. Once per request id: a retry, or an earlier count, changes nothing.
    if (persisted.verification !== 'push') await countTowardsVelocity(deps, request);

    const compromise = request.params.compromiseSuspected === true;
    switch (action) {
      case 'password_reset': {
        // F13: a suspected compromise revokes sessions with the reset.
        const result = await write(() => deps.idp.resetPassword(userId, { revokeSessions: compromise, requestId: request.id }));
        const what = result.secret.kind === 'temporary_password' ? 'temporary password' : 'reset link';
        const ttlMs = deps.policy.secretTtlMs;
        await deps.vault.put(request.id, result.secret.value, {
          ownerChatUserId: request.requester.chatUserId,
          expiresAt: new Date(deps.clock.now().getTime() + ttlMs),
        });
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: compromise ? `${what} issued; sessions revoked` : `${what} issued`, secretPending: true }, { details: { sessionsRevoked: compromise } });
        await notifyRequester(deps, request, 'result', replies.resetReady(request, compromise, Math.round(ttlMs / 60000), result.secret.kind));
        break;
      }
      case 'account_unlock': {
        const result = await write(() => deps.idp.unlock(userId, { requestId: request.id }));
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: result.outcome === 'already_done' && !inDoubt ? 'was not locked' : 'unlocked' });
        await notifyRequester(deps, request, 'result', replies.unlocked(result.outcome === 'already_done' && !inDoubt));
        break;
      }
      case 'session_revoke': {
        const result = await write(() => deps.idp.clearSessions(userId, { requestId: request.id, compromiseSuspected: compromise }));
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: 'all sessions cleared' });
        await notifyRequester(deps, request, 'result', replies.signedOut(compromise));
        break;
      }
      case 'group_membership_add':
      case 'conditional_access_change': {
        const group = request.resource;
        if (!group || group.kind !== 'group') return fail(deps, request, 'policy.refused', 'no resolved group');
        const result = await write(() => deps.idp.addGroupMember(group.id, userId, { requestId: request.id }));
        const already = result.outcome === 'already_done' && !inDoubt;
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: already ? `already a member of ${group.name}` : `added to ${group.name}` });
        await notifyRequester(deps, request, 'result', {
          text: already ? `You're already a member of ${group.name}; nothing needed changing.` : `Done. You're now in ${group.name}${until(request)}.`,
          tone: 'success',
        });
        break;
      }
      case 'group_membership_remove': {
        const group = request.resource;
        if (!group || group.kind !== 'group') return fail(deps, request, 'policy.refused', 'no resolved group');
        const result = await write(() => deps.idp.removeGroupMember(group.id, userId, { requestId: request.id }));
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: `removed from ${group.name}` });
        await notifyRequester(deps, request, 'result', { text: result.outcome === 'already_done' && !inDoubt ? `You weren't in ${group.name}; nothing needed changing.` : `Done. You've left ${group.name}.`, tone: 'success' });
        break;
      }
      case 'app_access_request': {
        const app = request.resource;
        if (!app || app.kind !== 'app') return fail(deps, request, 'policy.refused', 'no resolved app');
        const result = await write(() => deps.idp.assignApp(app.id, userId, { requestId: request.id }));
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: `assigned ${app.name}` });
        await notifyRequester(deps, request, 'result', {
          text: result.outcome === 'already_done' && !inDoubt ? `You already have ${app.name}.` : `Done. ${app.name} is assigned to you${until(request)}; it can take a few minutes to appear in your apps.`,
          tone: 'success',
        });
        break;
      }
      case 'mfa_reset': {
        const result = await write(() => deps.idp.resetFactors(userId, { requestId: request.id }));
        if (result.secret) {
          // Entra ID: a Temporary Access Pass to enrol new methods; delivered like a temporary password (invariant 6).
          const ttlMs = deps.policy.secretTtlMs;
          await deps.vault.put(request.id, result.secret.value, { ownerChatUserId: request.requester.chatUserId, expiresAt: new Date(deps.clock.now().getTime() + ttlMs) });
          request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: 'methods removed; temporary access pass issued', secretPending: true });
          await notifyRequester(deps, request, 'result', replies.accessPassReady(request, Math.round(ttlMs / 60000)));
          break;
        }
        request = await applyEvent(deps, request, { type: 'succeeded', idpRequestId: result.idpRequestId, summary: 'factors reset' });
        await notifyRequester(deps, request, 'result', { text: 'Done. Your MFA factors were reset: at your next sign-in you will be asked to set up Okta Verify on your new phone.', tone: 'success' });
        break;
      }
      default:
        return fail(deps, request, 'policy.refused', `no executor for ${action}`);
    }
    if (request.approvals.length > 0) await finalizeCards(deps, request, `Approved by ${request.approvals.map((a) => a.decidedBy?.displayName ?? 'approver').join(', ')}. Done.`);
    if (request.accessUntil) await scheduleAccessExpiry(deps, request);
    if (compromise) {
      await notifyHelpdesk(deps, request, 'compromise', {
        reason: 'Security: the requester thinks someone else has their password. Sessions were cleared; follow up.',
        facts: requestFacts(request),
        severity: 'critical',
      }, { security: 'alert' });
    }
  } catch (error) {
    if (isAppError(error) && error.retryable) {
      if (error.code === 'idp.rate_limited') await notifyRequester(deps, request, 'delayed', replies.delayed());
      throw error;
    }
    if (isAppError(error) && error.code === 'idp.unsupported' && action) {
      // Safety net behind the pre-step-up check: explain in plain words and hand over, never retry.
      await notifyRequester(deps, request, 'unsupported', replies.unsupported(action));
      await notifyHelpdesk(deps, request, 'unsupported', { reason: `Not possible through the IdP API: ${error.message}`, facts: requestFacts(request), severity: 'info' });
      await applyEvent(deps, request, { type: 'failed', errorCode: error.code, summary: 'not supported by the IdP; passed to the helpdesk' });
      return;
    }
    const code = isAppError(error) ? error.code : 'internal';
    return fail(deps, request, code, isAppError(error) ? error.message : String(error));
  }
}

/** The queue gave up on a retryable error (attempts exhausted): end the request visibly. */
export async function onExecutionGaveUp(deps: CoreDeps, requestId: string, error: unknown): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request || (request.state !== 'executing' && request.state !== 'queued')) return;
  const code = isAppError(error) ? error.code : 'internal';
  await fail(deps, request, code, `gave up after retries: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * True when the IdP answered the call with an error (an HTTP status came back) and nothing of the
 * operation was applied before it: the write was refused, so it may be sent again.
 */
function idpAnswered(error: unknown): error is AppError {
  return isAppError(error) && typeof error.details?.status === 'number' && error.details.partlyApplied === undefined;
}

/** A write that may have been applied and must not be repeated: one outcome, told to both sides. */
async function outcomeUnknown(deps: CoreDeps, request: ServiceRequest, action: ActionKind): Promise<void> {
  const startedAt = request.write?.startedAt ?? 'unknown';
  await notifyRequester(deps, request, 'failed', replies.outcomeUnknown(IN_DOUBT_NOUN[action] ?? 'request'));
  await notifyHelpdesk(deps, request, 'failed', {
    reason: `Outcome unknown: the ${action} call to the IdP started at ${startedAt} and never answered (a worker stopped or the connection broke). It was not repeated. Check the IdP's log for request id ${request.id} before acting.`,
    facts: requestFacts(request),
    severity: 'warning',
  });
  await applyEvent(deps, request, { type: 'failed', errorCode: 'idp.outcome_unknown', summary: 'outcome unknown; not repeated; passed to the helpdesk' }, { details: { writeStartedAt: startedAt } });
}

async function fail(deps: CoreDeps, request: ServiceRequest, errorCode: string, detail: string): Promise<void> {
  await notifyRequester(deps, request, 'failed', replies.failed());
  await notifyHelpdesk(deps, request, 'failed', { reason: `Action failed (${errorCode}): ${detail}`, facts: requestFacts(request), severity: 'warning' });
  await applyEvent(deps, request, { type: 'failed', errorCode, summary: 'failed; passed to the helpdesk' }, { details: { detail } });
}

function until(request: ServiceRequest): string {
  return request.accessUntil ? ` until ${request.accessUntil.slice(0, 10)} (it is removed automatically then)` : '';
}
