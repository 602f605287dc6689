import { AppError } from '../domain/app-error';
import type { OutboundMessage } from '../domain/chat';
import type { ServiceRequest } from '../domain/request';
import type { IdpUser } from '../ports/identity-provider';
import type { PolicyFacts } from '../ports/policy-engine';
import type { CoreDeps } from './core-deps';
import { namedOtherTarget } from '../domain/named-target';
import { replies } from './replies';

export type Resolution =
  | { ok: true; request: ServiceRequest; user: IdpUser }
  | { ok: false; reason: string; reply: OutboundMessage };

/**
 * Invariant 1: the requester is the platform's verified user id → its verified email → exactly one
 * IdP user. Never the message text, never the model, never a display name (F02, F08, F19).
 * The self-service target is set here, to that user, and nowhere else.
 */
export async function resolveRequester(deps: Pick<CoreDeps, 'idp'>, request: ServiceRequest): Promise<Resolution> {
  const objectId = request.requester.entraObjectId;
  if (objectId && deps.idp.name === 'entra') {
    // Teams + Entra ID: the platform verified the Entra object id, which is the IdP user id itself.
    // No email mapping (and no guessing) is needed or allowed.
    let user: IdpUser;
    try {
      user = await deps.idp.getUser(objectId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'idp.not_found') return { ok: false, reason: `No Entra user has the object id ${objectId}.`, reply: replies.identityNotFound() };
      throw error;
    }
    return { ok: true, user, request: { ...request, requester: { ...request.requester, idpUserId: user.id, idpLogin: user.login }, targetIdpUserId: user.id } };
  }
  const email = request.requester.email;
  if (!email) return { ok: false, reason: 'The chat profile has no verified email; identity cannot be mapped.', reply: replies.identityUnverifiable() };
  const matches = await deps.idp.findUsersByEmail(email);
  if (matches.length !== 1) {
    return {
      ok: false,
      reason: matches.length === 0 ? `No IdP user has the email ${email}.` : `${matches.length} IdP users share the email ${email}; refusing to guess.`,
      reply: replies.identityNotFound(),
    };
  }
  const user = matches[0] as IdpUser;
  return {
    ok: true,
    user,
    request: { ...request, requester: { ...request.requester, idpUserId: user.id, idpLogin: user.login }, targetIdpUserId: user.id },
  };
}

/** Fresh facts for the policy (uncached reads: roles and groups can change while a request waits). */
export async function gatherPolicyFacts(
  deps: Pick<CoreDeps, 'idp'>,
  request: ServiceRequest,
  requester: IdpUser,
  extras: { recentActions: number; noUsableFactor?: boolean },
): Promise<PolicyFacts> {
  const targetId = request.targetIdpUserId ?? requester.id;
  const target = await deps.idp.getUser(targetId);
  const [targetAdminRoles, targetGroups, requesterRisk] = await Promise.all([
    deps.idp.listAdminRoles(target.id),
    deps.idp.listGroups(target.id),
    deps.idp.getUserRisk(requester.id),
  ]);
  if (!request.action) throw new AppError('internal', 'gatherPolicyFacts needs an action');
  return {
    action: request.action,
    requester: target.id === requester.id ? target : requester,
    target,
    targetAdminRoles,
    targetGroups,
    // Self-service means the requester acts on themself and named no one else: "reset Bob's password"
    // or an address other than their own in the text is refused, never silently turned into "me".
    selfService: target.id === requester.id && namedOtherTarget(request) === undefined,
    compromiseSuspected: request.params.compromiseSuspected === true,
    resource: request.resource,
    requesterRisk,
    recentActions: extras.recentActions,
    noUsableFactor: extras.noUsableFactor ?? request.params.attestation === true,
  };
}
