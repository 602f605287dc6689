import { AppError, isAppError } from '../domain/app-error';
import type { ConversationRef, PostedMessage, SurfaceName } from '../domain/chat';
import { CHAT_ACTIONS } from '../domain/chat';
import type { Approval, ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { closeSettledPrompts, notifyConversation, notifyHelpdesk, notifyRequester, notifyUpdate, requestFacts } from './notify';
import { approverPushSlot } from './prompt-state';
import { BUTTON_OWNERS, HELPDESK_ADMIN_ROLE, replies } from './replies';
import { approvalCard, openApproval, scheduleApproval } from './request-approvals';
import { describeApprovers } from '../domain/request-label';
import { applyEvent, applyWithRetry, recordAudit } from './request-journal';

export interface ApprovalClick {
  approvalId: string;
  decision: 'approve' | 'deny';
  clickerChatUserId: string;
  note?: string;
  eventId: string;
}

/**
 * Worker (`approval.click`): an Approve / Deny click, already authenticated by the chat platform.
 * Invariant 4: only the resolved approver (or, for admin approvals, a listed helpdesk admin), never
 * the requester, once, before expiry. Every click is audited, valid or not; an invalid one changes
 * nothing and the clicker is told why in plain words.
 */
export async function processApprovalClick(deps: CoreDeps, requestId: string, click: ApprovalClick): Promise<void> {
  let request = await deps.store.get(requestId);
  if (!request) return;
  const approval = request.approvals.find((a) => a.id === click.approvalId);
  // The answer is for the clicker. The card's conversation is the approver's own DM (or the shared
  // helpdesk channel), so it is the right place only when the clicker is the approver the card was
  // sent to; anyone else (the requester, a bystander, a non-admin in the channel) is answered in
  // their own DM — never by a message in the approver's DM addressed to somebody else.
  const clickerOwnsCard = approval?.card !== undefined && approval.approver?.chatUserId === click.clickerChatUserId;
  const replyTo = clickerOwnsCard ? approval?.card?.conversation : await directTo(deps, request, click.clickerChatUserId);
  const refuseClick = async (reason: string, message: string): Promise<void> => {
    await recordAudit(deps, request as ServiceRequest, 'approval.click_rejected', { details: { approvalId: click.approvalId, by: click.clickerChatUserId, decision: click.decision, reason } });
    if (replyTo) await notifyConversation(deps, request as ServiceRequest, `click-rejected:${click.eventId}`, replyTo, { text: message, tone: 'warning' });
  };
  if (!approval) return refuseClick('unknown approval', 'This approval does not exist.');
  if (request.state !== 'awaiting_approval' || (approval.state !== 'pending' && approval.state !== 'verifying')) {
    return refuseClick(`already ${approval.state}`, `This request was already decided or has expired (${approval.state === 'waiting' ? 'not your turn yet' : approval.state}). Nothing was changed.`);
  }
  if (click.clickerChatUserId === request.requester.chatUserId) return refuseClick('requester clicked', 'You cannot approve your own request.');
  if (approval.expiresAt !== undefined && deps.clock.now().getTime() >= Date.parse(approval.expiresAt)) {
    // Expiry is a time, not only a job: a click that reaches a worker after it (a worker was down,
    // a backlog, a lost delayed job) ends the request as expired instead of counting.
    await expireApproval(deps, requestId, approval.id);
    return refuseClick('expired', 'This request has expired: nobody decided in time. Nothing was changed.');
  }

  let approverIdpUserId: string | undefined;
  let approverName: string | undefined;
  if (approval.approver) {
    if (click.clickerChatUserId !== approval.approver.chatUserId) return refuseClick('not the approver', replies.notYourButton(BUTTON_OWNERS[CHAT_ACTIONS.approve]).text);
    approverIdpUserId = approval.approver.idpUserId;
    approverName = approval.approver.displayName;
  } else {
    const admin = await resolveHelpdeskAdmin(deps, request, click.clickerChatUserId);
    if (!admin.ok) return refuseClick(admin.reason, replies.notYourButton(HELPDESK_ADMIN_ROLE).text);
    approverIdpUserId = admin.idpUserId;
    approverName = admin.displayName;
  }
  const decidedBy = { chatUserId: click.clickerChatUserId, idpUserId: approverIdpUserId, displayName: approverName, at: deps.clock.now().toISOString(), note: click.note?.slice(0, 1000) };

  if (click.decision === 'deny') {
    request = await applyEvent(deps, request, { type: 'approval_updated', approval: { ...approval, state: 'denied', decidedBy } }, { details: { approvalId: approval.id, by: click.clickerChatUserId } });
    request = await cancelOpenApprovals(deps, request);
    request = await applyEvent(deps, request, { type: 'denied', by: approverName ?? click.clickerChatUserId, note: decidedBy.note });
    await finalizeCards(deps, request, `Denied by ${approverName ?? 'an approver'}${decidedBy.note ? `: "${decidedBy.note}"` : '.'}`);
    await notifyRequester(deps, request, 'denied', {
      text: `${approverName ?? 'The approver'} denied your request${decidedBy.note ? `: "${decidedBy.note}"` : '.'} Nothing was changed.`,
      tone: 'warning',
    });
    return;
  }

  if (approval.stepUpRequired) {
    if (approval.state === 'verifying') return refuseClick('step-up in progress', 'Your approval is waiting for your Okta Verify push.');
    return startApproverStepUp(deps, request, approval, decidedBy, approverIdpUserId, click.eventId);
  }
  await recordApproval(deps, request, { ...approval, state: 'approved', decidedBy });
}

/**
 * `clickId` (the click's platform event id) keys every answer to this click: each refused click gets
 * its own answer (a key per approval would answer the first click only, and ignore every later one).
 */
async function startApproverStepUp(deps: CoreDeps, request: ServiceRequest, approval: Approval, decidedBy: NonNullable<Approval['decidedBy']>, approverIdpUserId: string | undefined, clickId: string): Promise<void> {
  if (!approverIdpUserId) throw new AppError('internal', 'approver step-up without an IdP user');
  // Claim the approval first (compare-and-swap): of several concurrent clicks exactly one gets here,
  // so a double click sends one push, not several that nobody tracks (and that burn the push budget).
  request = await applyEvent(deps, request, { type: 'approval_updated', approval: { ...approval, state: 'verifying', decidedBy, stepUp: undefined } }, { details: { approvalId: approval.id, stepUp: 'claimed' } });
  const release = async (key: string, text: string): Promise<void> => {
    await applyWithRetry(deps, request.id, (fresh) => {
      const current = fresh.approvals.find((a) => a.id === approval.id);
      return current?.state === 'verifying' && !current.stepUp ? { type: 'approval_updated', approval: { ...current, state: 'pending', decidedBy: undefined } } : undefined;
    });
    if (replyTo) await notifyConversation(deps, request, `${key}:${approval.id}:${clickId}`, replyTo, { text, tone: 'warning' });
  };
  const limit = deps.policy.pushRateLimit;
  // One attempt per click (a retried job of the same click is not a second push); a refused click is
  // not counted, so clicking again while limited never moves the end of the wait.
  const hit = await deps.rateLimiter.hit(`push:${approverIdpUserId}`, limit.limit, limit.windowMs, deps.clock.now(), `${request.id}:${approval.id}:${clickId}`);
  // The number to tap is for the approver alone: their own DM, never the shared helpdesk channel.
  const replyTo = approval.approver ? approval.card?.conversation : await directTo(deps, request, decidedBy.chatUserId);
  if (!hit.allowed) return release('approver-push-limit', 'Too many verification prompts were sent to you recently, so I did not send another one. Nothing was decided: click Approve again in a few minutes.');
  let challenge;
  try {
    challenge = await deps.stepUp.start(approverIdpUserId, { requestId: request.id, actionLabel: 'Confirm your approval' });
  } catch (error) {
    if (isAppError(error) && error.code === 'stepup.no_factor') return release('approver-no-factor', 'This approval needs an Okta Verify push, and you have none enrolled.');
    await release('approver-push-error', 'I could not send the verification prompt; please click Approve again in a moment.');
    throw error;
  }
  const now = deps.clock.now();
  const verifying: Approval = {
    ...approval,
    state: 'verifying',
    decidedBy,
    stepUp: { ...(challenge.kind === 'link' && challenge.url ? { kind: 'link' as const, url: challenge.url } : {}), transactionId: challenge.transactionId, factorId: challenge.factorId, factorType: challenge.factorType, numberChallenge: challenge.numberChallenge, startedAt: now.toISOString(), expiresAt: challenge.expiresAt.toISOString(), polls: 0 },
  };
  request = await applyEvent(deps, request, { type: 'approval_updated', approval: verifying }, { details: { approvalId: approval.id, stepUp: 'started' } });
  // (A crash between the claim and here leaves the approval "verifying" without a push: its expiry
  // job still ends it, and the requester is told.)
  if (replyTo) {
    const slot = approverPushSlot(approval.id, challenge.transactionId);
    await notifyConversation(deps, request, `approver-push:${approval.id}:${challenge.transactionId}`, replyTo, challenge.kind === 'link' && challenge.url ? {
      text: 'Confirm your approval: sign in again with MFA.',
      tone: 'info',
      buttons: [{ actionId: CHAT_ACTIONS.choose, value: '', label: 'Sign in to confirm', style: 'primary', url: challenge.url }],
    } : {
      text: challenge.numberChallenge === undefined ? 'Confirm your approval: approve the Okta Verify push on your phone.' : `Confirm your approval: tap ${challenge.numberChallenge} in Okta Verify.`,
      emphasis: challenge.numberChallenge === undefined ? undefined : String(challenge.numberChallenge),
      tone: 'info',
    }, { slot });
  }
  await deps.queue.enqueue({ name: 'approval.stepup_poll', requestId: request.id, step: `approval-poll:${approval.id}:${challenge.transactionId}:1`, delayMs: deps.stepUpPoll.intervalMs, payload: { approvalId: approval.id, attempt: 1 } });
}

/** Worker (`approval.stepup_poll`): the approver's own push (high band). A rejection is a security signal. */
export async function pollApproverStepUp(deps: CoreDeps, requestId: string, approvalId: string, attempt: number): Promise<void> {
  const request = await deps.store.get(requestId);
  const approval = request?.approvals.find((a) => a.id === approvalId);
  if (!request || !approval || approval.state !== 'verifying' || !approval.stepUp || !approval.decidedBy?.idpUserId || request.state !== 'awaiting_approval') return;
  const status = await deps.stepUp.poll(approval.decidedBy.idpUserId, approval.stepUp);
  const expired = deps.clock.now().getTime() >= Date.parse(approval.stepUp.expiresAt);
  if (status === 'waiting' && !expired) {
    await deps.queue.enqueue({ name: 'approval.stepup_poll', requestId, step: `approval-poll:${approvalId}:${approval.stepUp.transactionId}:${attempt + 1}`, delayMs: deps.stepUpPoll.intervalMs, payload: { approvalId, attempt: attempt + 1 } });
    return;
  }
  if (status === 'approved') {
    await recordApproval(deps, request, { ...approval, state: 'approved', stepUp: { ...approval.stepUp, result: 'approved' } });
    return;
  }
  // Rejected or expired: the click does not count; the approval waits for a real decision.
  const result = status === 'rejected' ? 'rejected' : 'timeout';
  const back: Approval = { ...approval, state: 'pending', decidedBy: undefined, stepUp: { ...approval.stepUp, result } };
  const next = await applyEvent(deps, request, { type: 'approval_updated', approval: back }, { details: { approvalId, stepUp: result } });
  await closeSettledPrompts(deps, next);
  const tellApprover = approval.approver ? approval.card?.conversation : await directTo(deps, request, approval.decidedBy.chatUserId);
  if (tellApprover) await notifyConversation(deps, next, `approver-push-${result}:${approval.stepUp.transactionId}`, tellApprover, replies.approverPushFailed(result));
  if (result === 'rejected') {
    await notifyHelpdesk(deps, next, `approver-push-rejected:${approval.stepUp.transactionId}`, {
      reason: `Security: the approver's confirmation push was denied (approval ${approvalId}). Someone may be clicking Approve in their name.`,
      facts: requestFacts(next),
      severity: 'critical',
    }, { security: 'alert' });
  }
}

/** One approval decided "approve": open the next (sequential) or, when all approved, queue the action. */
export async function recordApproval(deps: CoreDeps, request: ServiceRequest, approved: Approval): Promise<void> {
  request = await applyEvent(deps, request, { type: 'approval_updated', approval: approved }, { details: { approvalId: approved.id, by: approved.decidedBy?.chatUserId, decision: 'approved' } });
  // The approver's confirmation push, if there was one, is answered.
  await closeSettledPrompts(deps, request);
  await updateApprovalCard(deps, request, approved, `card:${approved.id}`, `Approved by ${approved.decidedBy?.displayName ?? 'the approver'}.`);
  const next = request.approvals.find((a) => a.state === 'waiting');
  if (next) {
    const opened = openApproval(next, deps.clock.now(), deps.policy.approvals.expiryMs);
    request = await applyEvent(deps, request, { type: 'approval_updated', approval: opened });
    await scheduleApproval(deps, request, opened);
    await notifyRequester(deps, request, `approved:${approved.id}`, { text: `${approved.decidedBy?.displayName ?? 'An approver'} approved. Now waiting for ${opened.approver?.displayName ?? 'a helpdesk admin'}.`, tone: 'info' });
    return;
  }
  if (request.approvals.every((a) => a.state === 'approved')) {
    request = await applyEvent(deps, request, { type: 'approved' });
    request = await applyEvent(deps, request, { type: 'queued' });
    await deps.queue.enqueue({ name: 'action.execute', requestId: request.id, step: 'execute' });
  }
}

/** Approvals not yet decided become `cancelled` (a denial, an expiry or the requester's cancel ends them). */
export async function cancelOpenApprovals(deps: CoreDeps, request: ServiceRequest, state: 'cancelled' | 'expired' = 'cancelled'): Promise<ServiceRequest> {
  for (const approval of request.approvals) {
    if (approval.state === 'pending' || approval.state === 'waiting' || approval.state === 'verifying') {
      request = await applyEvent(deps, request, { type: 'approval_updated', approval: { ...approval, state } });
    }
  }
  return request;
}

/**
 * Every copy of every card ends in its final state (approvers' DMs and the helpdesk channel), and so
 * does every prompt the request no longer waits on (an approver's confirmation push, the requester's
 * "needs approval" note of a cancelled request).
 */
export async function finalizeCards(deps: CoreDeps, request: ServiceRequest, final: string): Promise<void> {
  for (const approval of request.approvals) {
    await updateApprovalCard(deps, request, approval, `final:${approval.id}:${request.state}`, final);
  }
  await closeSettledPrompts(deps, request);
}

/**
 * Puts one approval card in a new state. A DM card is a normal message (update); an admin card lives
 * in the helpdesk channel as an escalation card, which surfaces update through updateEscalation.
 */
async function updateApprovalCard(deps: CoreDeps, request: ServiceRequest, approval: Approval, key: string, final: string): Promise<void> {
  if (!approval.card) return;
  const card = approvalCard(request, approval, final);
  if (approval.approver) return notifyUpdate(deps, request, key, approval.card, card);
  await deps.queue.enqueue({
    name: 'chat.notify',
    requestId: request.id,
    step: `update:${key}`,
    payload: {
      notification: {
        kind: 'update_escalation',
        posted: approval.card,
        escalation: { requestId: request.id, reason: card.text.split('\n')[0] ?? '', facts: requestFacts(request), severity: 'info', status: final, buttons: [] },
      },
    },
  });
}

/**
 * Why a platform will never let the bot open a direct conversation with an approver: what its
 * `chat.conversation_gone` on open / post means there (Teams: createConversation answers 403
 * BotNotInConversationRoster for a person the app is not installed for: microsoft-teams-apps-company-communicator #744).
 */
const APPROVER_NOT_REACHABLE: Record<SurfaceName, string> = {
  teams: 'the Keyward app is not installed for them in Teams',
  slack: 'Slack does not let Keyward send them a direct message',
  console: 'they have no conversation with Keyward in the console',
};

/** Worker (`approval.notify`): post one card and record where it went, so it can be finalised later. */
export async function postApprovalCard(deps: CoreDeps, requestId: string, approvalId: string): Promise<void> {
  const request = await deps.store.get(requestId);
  const approval = request?.approvals.find((a) => a.id === approvalId);
  if (!request || !approval || approval.card || approval.state !== 'pending') return;
  const chat = deps.chats[request.conversation.surface];
  if (!chat) throw new AppError('config.invalid', `surface ${request.conversation.surface} is not enabled`);
  const card = approvalCard(request, approval);
  let posted: PostedMessage | undefined;
  if (approval.approver) {
    try {
      const conversation = await chat.openDirectConversation(approval.approver.chatUserId);
      posted = { conversation, messageId: await chat.post(conversation, card) };
    } catch (error) {
      // Retrying cannot help (F05): without this the request would wait, unseen, for its expiry.
      if (!(isAppError(error) && error.code === 'chat.conversation_gone')) throw error;
      return onApprovalUndeliverable(deps, requestId, approvalId, APPROVER_NOT_REACHABLE[request.conversation.surface]);
    }
  } else {
    posted = await chat.escalate({
      requestId: request.id,
      reason: `Admin approval needed: ${card.text.split('\n')[0] ?? ''}`,
      facts: { ...requestFacts(request), Message: request.text.slice(0, 500) },
      severity: 'warning',
      buttons: card.buttons,
    });
  }
  if (!posted) return;
  const postedCard = posted;
  await applyWithRetry(deps, request.id, (fresh) => {
    const current = fresh.approvals.find((a) => a.id === approvalId);
    return current && !current.card ? { type: 'approval_updated', approval: { ...current, card: postedCard } } : undefined;
  });
}

/**
 * An approval card that can never be delivered (the approver cannot be reached in chat, or the
 * queue gave up posting it) ends the request visibly now instead of at its expiry: the requester is
 * told, the helpdesk gets the case naming the approver and `reason`, the request is `escalated`
 * (which cancels its open approvals in the same write) and cards already posted are finalised.
 * The notifications go first and are keyed, so a retry after a conflict sends each once.
 */
export async function onApprovalUndeliverable(deps: CoreDeps, requestId: string, approvalId: string, reason: string): Promise<void> {
  const request = await deps.store.get(requestId);
  const approval = request?.approvals.find((a) => a.id === approvalId);
  if (!request || !approval || approval.card || request.state !== 'awaiting_approval' || approval.state !== 'pending') return;
  const who = describeApprovers([approval]);
  await notifyRequester(deps, request, `approval-undeliverable:${approvalId}`, {
    text: `I couldn't ask ${who} to approve this: ${reason}. I've passed your request to the helpdesk; nothing was changed.`,
    tone: 'warning',
  });
  const approver = approval.approver;
  await notifyHelpdesk(deps, request, `approval-undeliverable:${approvalId}`, {
    reason: `Approval could not be requested from ${who}: ${reason}. A person needs to look at this request.`,
    facts: {
      ...requestFacts(request),
      ...(approver ? { Approver: `${approver.displayName}${approver.email ? ` <${approver.email}>` : ''}`, 'Approver chat user': `${request.conversation.surface}:${approver.chatUserId}` } : {}),
    },
    severity: 'warning',
  });
  const ended = await applyEvent(deps, request, { type: 'escalated', reason: `approval undeliverable: ${who}: ${reason}` }, { details: { approvalId } });
  await finalizeCards(deps, ended, `Passed to the helpdesk: ${who} could not be asked. Nothing was changed.`);
}

/** Worker (`approval.expire`): an unanswered approval ends the request; the requester is told. */
export async function expireApproval(deps: CoreDeps, requestId: string, approvalId: string): Promise<void> {
  let request = await deps.store.get(requestId);
  const approval = request?.approvals.find((a) => a.id === approvalId);
  if (!request || !approval || request.state !== 'awaiting_approval' || (approval.state !== 'pending' && approval.state !== 'verifying')) return;
  request = await cancelOpenApprovals(deps, request, 'expired');
  request = await applyEvent(deps, request, { type: 'expired' });
  await finalizeCards(deps, request, 'Expired: nobody decided in time. Nothing was changed.');
  await notifyRequester(deps, request, 'expired', { text: "Your request expired because it wasn't approved in time. Nothing was changed; ask again if you still need it.", tone: 'warning' });
}

/** Worker (`approval.remind`): one reminder to an approver who has not decided yet. */
export async function remindApproval(deps: CoreDeps, requestId: string, approvalId: string): Promise<void> {
  const request = await deps.store.get(requestId);
  const approval = request?.approvals.find((a) => a.id === approvalId);
  if (!request || !approval || request.state !== 'awaiting_approval' || approval.state !== 'pending' || approval.remindedAt || !approval.card) return;
  const next = await applyEvent(deps, request, { type: 'approval_updated', approval: { ...approval, remindedAt: deps.clock.now().toISOString() } });
  await notifyConversation(deps, next, `reminder:${approval.id}`, approval.card.conversation, {
    text: `Reminder: ${request.requester.displayName ?? 'a colleague'}'s request is still waiting for your decision (see the card above). It expires ${approval.expiresAt?.slice(0, 16).replace('T', ' ')} UTC.`,
    tone: 'info',
  });
}

async function directTo(deps: CoreDeps, request: ServiceRequest, chatUserId: string): Promise<ConversationRef | undefined> {
  const chat = deps.chats[request.conversation.surface];
  try {
    return chat ? await chat.openDirectConversation(chatUserId) : undefined;
  } catch {
    return undefined;
  }
}

async function resolveHelpdeskAdmin(deps: CoreDeps, request: ServiceRequest, chatUserId: string): Promise<{ ok: true; idpUserId: string; displayName: string } | { ok: false; reason: string }> {
  const chat = deps.chats[request.conversation.surface];
  if (!chat) return { ok: false, reason: 'no surface' };
  const identity = await chat.lookupUser(chatUserId);
  const email = identity.email?.toLowerCase();
  if (!email || identity.isExternal || identity.isBot || identity.isDeleted) return { ok: false, reason: 'clicker not verifiable' };
  if (!deps.policy.helpdeskAdmins.includes(email)) return { ok: false, reason: 'clicker is not a helpdesk admin' };
  if (email === request.requester.email?.toLowerCase()) return { ok: false, reason: 'requester clicked' };
  const matches = await deps.idp.findUsersByEmail(email);
  if (matches.length !== 1 || !matches[0]) return { ok: false, reason: 'admin does not map to exactly one IdP user' };
  if (matches[0].id === request.requester.idpUserId) return { ok: false, reason: 'requester clicked' };
  return { ok: true, idpUserId: matches[0].id, displayName: matches[0].displayName };
}
