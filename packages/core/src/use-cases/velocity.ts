import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';

/**
 * The policy's velocity window ("several sensitive actions in a short window"). Only requests that
 * reached a step-up (a push or sign-in link was due) or an IdP write count: a request refused,
 * denied by the policy or answered never does, so asking again after a refusal cannot lock anyone
 * out. Counted once per request id, so a retried job never counts twice.
 */

/** Id of the policy rule that refuses on velocity (@keyward/policy evaluate-policy, and the fake). */
export const VELOCITY_RULE = 'velocity';

function keyOf(idpUserId: string): string {
  return `velocity:${idpUserId}`;
}

/** Requests of this user in the window that reached a step-up or a write (this one not included). */
export function countRecentActions(deps: Pick<CoreDeps, 'rateLimiter' | 'policy' | 'clock'>, idpUserId: string): Promise<number> {
  return deps.rateLimiter.count(keyOf(idpUserId), deps.policy.velocity.windowMs, deps.clock.now());
}

/**
 * Counts `request` in its requester's window; false when the window filled up since the policy
 * decided (a concurrent request took the last place): the caller refuses, as the policy would have.
 */
export async function countTowardsVelocity(deps: Pick<CoreDeps, 'rateLimiter' | 'policy' | 'clock'>, request: ServiceRequest): Promise<boolean> {
  const idpUserId = request.requester.idpUserId;
  if (!idpUserId) return true;
  const { limit, windowMs } = deps.policy.velocity;
  return (await deps.rateLimiter.hit(keyOf(idpUserId), limit, windowMs, deps.clock.now(), request.id)).allowed;
}

/** A request refused because its requester reached the velocity limit. */
export function isVelocityRefusal(request: ServiceRequest): boolean {
  return request.state === 'refused' && request.outcome?.summary === VELOCITY_RULE;
}
