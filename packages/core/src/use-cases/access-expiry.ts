import { ACTION_LABELS } from '../domain/intent';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { notifyRequester } from './notify';
import { applyEvent } from './request-journal';

/** After a time-bound grant: a notice before removal, then the removal itself, both delayed jobs. */
export async function scheduleAccessExpiry(deps: CoreDeps, request: ServiceRequest): Promise<void> {
  if (!request.accessUntil) return;
  const until = Date.parse(request.accessUntil);
  const now = deps.clock.now().getTime();
  const noticeAt = until - deps.policy.expiryNoticeMs;
  if (noticeAt > now) await deps.queue.enqueue({ name: 'access.notice', requestId: request.id, step: 'access-notice', delayMs: noticeAt - now });
  await deps.queue.enqueue({ name: 'access.expire', requestId: request.id, step: 'access-expire', delayMs: Math.max(0, until - now) });
}

export async function announceAccessExpiry(deps: CoreDeps, requestId: string): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request || request.state !== 'succeeded' || !request.accessUntil || request.outcome?.summary === 'access removed at expiry') return;
  await notifyRequester(deps, request, 'access-notice', {
    text: `Heads-up: your access (${describe(request)}) ends on ${request.accessUntil.slice(0, 16).replace('T', ' ')} UTC. Ask me again before then if you still need it.`,
    tone: 'info',
  });
}

/**
 * Worker (`access.expire`): removes the grant at expiry. Idempotent at the IdP (not a member → done),
 * audited with the IdP's request id, and the user is told.
 */
export async function expireAccess(deps: CoreDeps, requestId: string): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request || request.state !== 'succeeded' || !request.accessUntil || !request.resource || !request.targetIdpUserId) return;
  if (request.outcome?.summary === 'access removed at expiry') return;
  if (deps.clock.now().getTime() < Date.parse(request.accessUntil)) return;
  const options = { requestId: request.id };
  const result =
    request.resource.kind === 'group'
      ? await deps.idp.removeGroupMember(request.resource.id, request.targetIdpUserId, options)
      : await deps.idp.unassignApp(request.resource.id, request.targetIdpUserId, options);
  const next = await applyEvent(deps, request, { type: 'access_revoked', idpRequestId: result.idpRequestId }, { idpRequestId: result.idpRequestId, details: { resource: request.resource.name } });
  await notifyRequester(deps, next, 'access-expired', { text: `Your time-limited access (${describe(request)}) has ended and was removed.`, tone: 'info' });
}

function describe(request: ServiceRequest): string {
  return `${request.action ? ACTION_LABELS[request.action] : 'access'}${request.resource ? `: ${request.resource.name}` : ''}`;
}
