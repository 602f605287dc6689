import { AppError } from '../domain/app-error';
import type { OutboundMessage } from '../domain/chat';
import { CHAT_ACTIONS } from '../domain/chat';
import { ACTION_LABELS } from '../domain/intent';
import { quoteForCard } from '../domain/sanitize-text';
import { approverRoleLabel, describeApprovers, requestLabel } from '../domain/request-label';
import type { Approval, ApproverRole, Decision, ServiceRequest } from '../domain/request';
import type { ChatSurface } from '../ports/chat-surface';
import type { IdpUser } from '../ports/identity-provider';
import type { CoreDeps } from './core-deps';
import { closeSettledPrompts, notifyHelpdesk, notifyRequester, requestFacts } from './notify';
import { PROMPT_SLOTS } from './prompt-state';
import { replies } from './replies';
import { applyEvent } from './request-journal';

type Resolved = { ok: true; approvals: Approval[] } | { ok: false; reason: string };

/**
 * After verification: resolve every approver the decision names and ask the first (sequential) or
 * all (parallel). Invariant 4: an approver is a resolved person — the requester's manager from the
 * IdP, the catalogue owner — mapped to a chat user by verified email (or, Teams + Entra ID, by their
 * Entra object id, which is their Teams user id); never the requester.
 */
export async function requestApprovals(deps: CoreDeps, request: ServiceRequest, override?: Decision): Promise<void> {
  const decision = override ?? request.decision;
  if (!decision) throw new AppError('internal', `request ${request.id} has no decision`);
  const resolved = await resolveApprovers(deps, request, decision.approvers, decision.approverStepUp);
  if (!resolved.ok) {
    await notifyRequester(deps, request, 'no-approver', { text: "I couldn't find who needs to approve this, so I've passed it to the helpdesk.", tone: 'warning' });
    await notifyHelpdesk(deps, request, 'no-approver', { reason: `No approver: ${resolved.reason}`, facts: requestFacts(request), severity: 'warning' });
    await applyEvent(deps, request, { type: 'escalated', reason: `no approver: ${resolved.reason}` });
    return;
  }
  const now = deps.clock.now();
  const approvals = resolved.approvals.map((approval, index) =>
    decision.approvalMode === 'parallel' || index === 0 ? openApproval(approval, now, deps.policy.approvals.expiryMs) : approval,
  );
  request = await applyEvent(deps, request, { type: 'approval_requested', approvals, decision: override });
  for (const approval of request.approvals.filter((a) => a.state === 'pending')) await scheduleApproval(deps, request, approval);
  await notifyRequester(deps, request, 'awaiting-approval', replies.awaitingApproval(requestLabel(request), describeApprovers(request.approvals), decision.verification === 'push'), {
    slot: PROMPT_SLOTS.awaitingApproval,
  });
  // A push this request no longer waits on (MFA reset switched to attestation) loses its number.
  await closeSettledPrompts(deps, request);
}

export function openApproval(approval: Approval, now: Date, expiryMs: number): Approval {
  return { ...approval, state: 'pending', requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + expiryMs).toISOString() };
}

/** Posts the card (via its own job) and schedules the reminder and the expiry. */
export async function scheduleApproval(deps: CoreDeps, request: ServiceRequest, approval: Approval): Promise<void> {
  await deps.queue.enqueue({ name: 'approval.notify', requestId: request.id, step: `card:${approval.id}`, payload: { approvalId: approval.id } });
  await deps.queue.enqueue({ name: 'approval.remind', requestId: request.id, step: `remind:${approval.id}`, delayMs: deps.policy.approvals.reminderMs, payload: { approvalId: approval.id } });
  await deps.queue.enqueue({ name: 'approval.expire', requestId: request.id, step: `expire:${approval.id}`, delayMs: deps.policy.approvals.expiryMs, payload: { approvalId: approval.id } });
}

async function resolveApprovers(deps: CoreDeps, request: ServiceRequest, roles: ApproverRole[], stepUpRequired: boolean): Promise<Resolved> {
  const requesterId = request.requester.idpUserId;
  if (!requesterId) return { ok: false, reason: 'requester not resolved' };
  const chat = deps.chats[request.conversation.surface];
  if (!chat) throw new AppError('config.invalid', `surface ${request.conversation.surface} is not enabled`);
  const approvals: Approval[] = [];
  for (const [index, role] of roles.entries()) {
    const id = `a${index + 1}`;
    if (role === 'helpdesk_admin') {
      approvals.push({ id, role, state: 'waiting', stepUpRequired });
      continue;
    }
    let person;
    if (role === 'manager') {
      person = await deps.idp.getManager(requesterId);
      if (!person) return { ok: false, reason: 'the requester has no manager in the IdP' };
    } else {
      const owner = request.resource?.ownerEmail;
      if (!owner) return { ok: false, reason: `${request.resource?.name ?? 'the resource'} has no owner in the catalogue` };
      const matches = await deps.idp.findUsersByEmail(owner);
      if (matches.length !== 1) return { ok: false, reason: `the owner ${owner} does not map to exactly one IdP user` };
      person = matches[0];
    }
    if (!person) return { ok: false, reason: `no ${approverRoleLabel(role)}` };
    if (person.id === requesterId) return { ok: false, reason: `the requester would approve their own request as ${approverRoleLabel(role)}` };
    const reached = await reachInChat(deps, chat, person);
    if (!reached.ok) return { ok: false, reason: `the ${approverRoleLabel(role)} ${reached.reason}` };
    const chatUserId = reached.chatUserId;
    if (chatUserId === request.requester.chatUserId) return { ok: false, reason: `the ${approverRoleLabel(role)} (${reached.known}) is not reachable in chat` };
    if (approvals.some((a) => a.approver?.idpUserId === person.id)) continue; // one person, one approval (manager who is also the owner)
    approvals.push({ id, role, state: 'waiting', stepUpRequired, approver: { idpUserId: person.id, chatUserId, displayName: person.displayName, ...(person.email ? { email: person.email } : {}) } });
  }
  return { ok: true, approvals };
}

type Reached = { ok: true; chatUserId: string; known: string } | { ok: false; reason: string };

/**
 * The approver's chat user. With Entra ID as the IdP and a surface whose users are that directory's
 * (Teams), the IdP user id is the chat user id: no email needed, and nobody outside one team is lost.
 * Otherwise by verified email (Slack users.lookupByEmail; Teams + Okta: the helpdesk team, by UPN).
 */
async function reachInChat(deps: CoreDeps, chat: ChatSurface, person: IdpUser): Promise<Reached> {
  if (deps.idp.name === 'entra' && chat.findUserByDirectoryObjectId) {
    const known = `${person.displayName}, Entra object id ${person.id}`;
    // A B2B guest is another organisation's account: never an approver here (like Slack Connect users).
    if ((person.attributes.userType ?? '').toLowerCase() === 'guest') return { ok: false, reason: `(${known}) is a guest account and cannot approve` };
    const chatUserId = await chat.findUserByDirectoryObjectId(person.id);
    return chatUserId ? { ok: true, chatUserId, known } : { ok: false, reason: `(${known}) is not reachable in chat` };
  }
  if (!person.email) return { ok: false, reason: 'has no email to find them in chat' };
  const chatUserId = await chat.findUserByEmail(person.email);
  return chatUserId ? { ok: true, chatUserId, known: person.email } : { ok: false, reason: `(${person.email}) is not reachable in chat` };
}

/** The approval card: who asks, for what, why, until when, with Approve / Deny. All plain text. */
export function approvalCard(request: ServiceRequest, approval: Approval, final?: string): OutboundMessage {
  const who = request.requester.displayName ?? request.requester.email ?? request.requester.chatUserId;
  const what = `${ACTION_LABELS[request.action ?? 'password_reset'].replace(/^(\w+) you\b/, '$1 them').replace(/\byour\b/g, 'their')}${request.resource ? `: ${request.resource.name}` : ''}`;
  const until = request.accessUntil ? ` until ${request.accessUntil.slice(0, 10)}` : '';
  const lines = [
    `${who} asks: ${what}${until}.`,
    `Their message: "${quoteForCard(request.text, 300)}"`,
    approval.role === 'helpdesk_admin' ? 'A helpdesk admin must approve this in the channel.' : `You are asked as their ${approverRoleLabel(approval.role)}.`,
  ];
  if (approval.stepUpRequired && !final) lines.push('Approving sends an Okta Verify push to you first.');
  if (final) return { text: `${lines[0]}\n${final}`, tone: final.startsWith('Approved') ? 'success' : 'warning', context: [`Request ${request.id}`] };
  return {
    text: lines.join('\n'),
    tone: 'info',
    buttons: [
      { actionId: CHAT_ACTIONS.approve, value: `${request.id}|${approval.id}`, label: 'Approve', style: 'primary' },
      { actionId: CHAT_ACTIONS.deny, value: `${request.id}|${approval.id}`, label: 'Deny', style: 'danger' },
    ],
    context: [`Request ${request.id}`, approval.expiresAt ? `Expires ${approval.expiresAt.slice(0, 16).replace('T', ' ')} UTC` : ''].filter(Boolean),
  };
}
