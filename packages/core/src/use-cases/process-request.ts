import { AppError, isAppError } from '../domain/app-error';
import type { Classification, IntentName } from '../domain/intent';
import { isActionKind, isExecutableAction } from '../domain/intent';
import { CHAT_ACTIONS } from '../domain/chat';
import { detectNonEnglish } from '../domain/detect-language';
import { requestLabel } from '../domain/request-label';
import type { ServiceRequest } from '../domain/request';
import type { OutboundMessage } from '../domain/chat';
import type { CoreDeps } from './core-deps';
import { notifyHelpdesk, notifyRequester, requestFacts } from './notify';
import { intentLabel, NOTHING_TO_CHANGE, replies } from './replies';
import { isThanks, splitIntents } from './conversation-guards';
import { greetingFor, helpFor } from './help-for';
import { PROMPT_SLOTS } from './prompt-state';
import { applyEvent } from './request-journal';
import { gatherPolicyFacts, resolveRequester } from './resolve-requester';
import { namedOtherTarget } from '../domain/named-target';
import { grantDays, parseDurationDays, resolveResource, TIME_BOUND_ACTIONS } from './resolve-resource';
import type { ResourceResolution } from './resolve-resource';
import { requestApprovals } from './request-approvals';
import { askClarification, CHOSEN_BY_REQUESTER } from './clarification';
import { cancelLatest } from './cancel-request';
import { countRecentActions, countTowardsVelocity, VELOCITY_RULE } from './velocity';
import { refuseIfFlooding } from './message-rate-limit';

/**
 * Worker: understand a received request and take it as far as it can go without waiting:
 * identify → classify → answer, clarify, refuse/escalate, or start the step-up.
 * Re-runnable: each step is guarded by the persisted state, so a retry resumes where it stopped.
 */
export async function processRequest(deps: CoreDeps, requestId: string, options: { noDevice?: boolean } = {}): Promise<void> {
  if (options.noDevice) return switchToAttestation(deps, requestId);
  let request = await deps.store.get(requestId);
  if (!request) throw new AppError('request.not_found', `request ${requestId} not found`);
  const log = deps.logger.child({ requestId, surface: request.conversation.surface });

  if (request.state === 'received') {
    const chat = deps.chats[request.conversation.surface];
    if (!chat) throw new AppError('config.invalid', `surface ${request.conversation.surface} is not enabled in this worker`);
    // Flood control first: a flooded message costs no profile lookup, classification, IdP call or card.
    if (await refuseIfFlooding(deps, request)) return;
    const identity = await chat.lookupUser(request.requester.chatUserId, request.requester.chatTeamId);
    if (identity.isExternal || identity.isBot || identity.isDeleted) {
      // Never served: Slack Connect users from other organisations, bots, deactivated accounts (F19).
      const reason = identity.isExternal ? 'requester is from another organisation' : 'requester is a bot or deactivated';
      if (identity.isExternal) await notifyRequester(deps, request, 'external', replies.external());
      // Every refusal reaches the helpdesk channel (DESIGN "Who uses it"): an outsider or a bot
      // talking to the identity bot is exactly what they need to see.
      await notifyHelpdesk(deps, request, 'identity', { reason: `Refused: ${reason}.`, facts: requestFacts(request), severity: 'warning' });
      await applyEvent(deps, request, { type: 'refused', reason });
      return;
    }
    request = {
      ...request,
      requester: { ...request.requester, email: identity.email, displayName: identity.displayName, ...(identity.entraObjectId ? { entraObjectId: identity.entraObjectId } : {}) },
    };
    let classification = await deps.classifier.classify(request.text);
    log.info({ intent: classification.intent, confidence: classification.confidence, negated: classification.negated }, 'classified');
    const several = await splitIntents(deps.classifier, request.text, deps.policy.confidenceThreshold);
    if (several.privileged && classification.intent !== 'privileged_access_request') {
      // One disallowed request taints the whole message: refuse all of it (the policy decides).
      classification = { ...classification, intent: 'privileged_access_request', negated: false, evidence: [...classification.evidence, 'multi-intent: a clause asks for privileged access'] };
    }
    const language = detectNonEnglish(request.text);
    if (language && classification.intent !== 'privileged_access_request' && classification.intent !== 'greeting') {
      // Whatever a classifier made of it, a message in another language is not acted on (a French
      // "I can't sign in" must never become a group offer): it is answered in English with a
      // person to talk to. A privileged ask is still refused and escalated as such.
      classification = { ...classification, intent: 'unknown', confidence: 1, alternatives: [], negated: false, evidence: [...classification.evidence, `language: ${language}`] };
    }
    request = await applyEvent(deps, request, { type: 'understood', classification });
    if (!several.privileged && several.actions.length >= 2) {
      const id = request.id;
      await askClarification(deps, request, 'several', {
        text: "I can do one thing at a time so each gets its own checks. Which should I start with? (Send the other one as a new message afterwards.)",
        buttons: [
          ...several.actions.slice(0, 3).map((intent) => ({ actionId: CHAT_ACTIONS.choose, value: `${id}|${intent}`, label: intentLabel(intent) })),
          { actionId: CHAT_ACTIONS.choose, value: `${id}|none`, label: 'Neither' },
        ],
      });
      return;
    }
    await route(deps, request, classification);
    return;
  }
  if (request.state === 'understood') {
    // Resumed after a crash or a clarification choice: decide again from the persisted intent.
    await route(deps, request, undefined);
    return;
  }
  if (request.state === 'decided') {
    // Resumed after a crash or a retryable failure (IdP down while sending the push): the decision
    // is persisted, so act on it; without this branch the request would wait in `decided` forever.
    await actOnDecision(deps, request);
  }
}

async function route(deps: CoreDeps, request: ServiceRequest, classification: Classification | undefined): Promise<void> {
  const intent = request.intent ?? 'unknown';
  // Read negation and confidence from the persisted request when this run has no classification (a
  // retry after a crash): a resumed request must neither act on "I don't need a reset" nor skip the
  // clarification a low-confidence reading needs. A clarified choice is persisted with confidence 1.
  const negated = classification?.negated ?? (request.params.negatedTopic !== undefined || (isActionKind(intent) && request.action === undefined));
  const topic = request.params.negatedTopic ?? intent;
  if (negated) return answer(deps, request, replies.negated(isActionKind(topic as IntentName) ? (topic as IntentName) : intent), 'negated');

  const threshold = deps.policy.confidenceThreshold;
  const confidence = classification?.confidence ?? request.confidence ?? 1;
  // "thanks!" is a courtesy, not a request: never a "did you mean" about cancelling something.
  if (isThanks(request.text) && (!isActionKind(intent) || confidence < threshold)) return answer(deps, request, replies.thanks(), 'thanked');
  if (confidence < threshold && intent !== 'unknown') {
    const options = [intent, ...(classification?.alternatives ?? []).map((a) => a.intent)]
      .filter((value, index, all) => all.indexOf(value) === index && value !== 'unknown' && value !== 'out_of_scope')
      .slice(0, 3);
    await askClarification(deps, request, 'clarify', replies.clarify(request, options));
    return;
  }

  switch (intent) {
    case 'greeting':
      return answer(deps, request, await greetingFor(deps, request), 'greeted');
    case 'help':
      return answer(deps, request, await helpFor(deps, request), 'help shown');
    case 'out_of_scope':
      return answer(deps, request, replies.outOfScope(), 'out of scope');
    case 'unknown': {
      const language = detectNonEnglish(request.text);
      // "No thanks" on that very question: the requester has answered it, so it is not asked again.
      if (language && request.evidence?.includes(CHOSEN_BY_REQUESTER)) return answer(deps, request, replies.notEnglishDeclined(), 'not english, declined a person');
      if (language) {
        // A clarification, so the "talk to a person" button can continue this same request.
        await askClarification(deps, request, 'not-english', {
          text: `Sorry, I can only work in English for now${language === 'another language' ? '' : ` (your message looks like ${language})`}. You can write to me in English, or I can pass you to a person at the helpdesk.`,
          buttons: [
            { actionId: CHAT_ACTIONS.choose, value: `${request.id}|human_agent`, label: 'Talk to a person' },
            { actionId: CHAT_ACTIONS.choose, value: `${request.id}|none`, label: 'No thanks' },
          ],
        });
        return;
      }
      return answer(deps, request, replies.unknown(), 'not understood');
    }
    case 'status': {
      const mine = (await deps.store.listByRequester(request.requester.chatUserId, { limit: 6 })).filter((r) => r.id !== request.id).slice(0, 5);
      return answer(deps, request, replies.status(mine), 'status shown');
    }
    case 'cancel': {
      const cancelled = await cancelLatest(deps, request);
      return answer(deps, request, cancelled.message, cancelled.summary);
    }
    case 'human_agent':
      await notifyHelpdesk(deps, request, 'human', { reason: 'The requester asked to talk to a person.', facts: { ...requestFacts(request), Message: request.text.slice(0, 500) }, severity: 'info' });
      await notifyRequester(deps, request, 'human', replies.human());
      await applyEvent(deps, request, { type: 'escalated', reason: 'requester asked for a person' });
      return;
    default:
      return decide(deps, request);
  }
}

async function answer(deps: CoreDeps, request: ServiceRequest, message: OutboundMessage, summary: string): Promise<void> {
  // Enqueue first, then end the request: a crash in between re-runs this step and the stable job id
  // keeps the reply single.
  await notifyRequester(deps, request, 'answer', message);
  await applyEvent(deps, request, { type: 'answered', summary });
}

/**
 * Identity action: map the requester to exactly one IdP user, resolve the resource against the
 * catalogue, evaluate the policy (with the requests of the velocity window that reached a step-up or
 * a write; this one is counted when it gets there), then verify and/or ask for approvals.
 */
async function decide(deps: CoreDeps, request: ServiceRequest): Promise<void> {
  const action = request.action;
  if (!action) return answer(deps, request, replies.unknown(), 'no action');

  const resolved = await resolveRequester(deps, request);
  if (!resolved.ok) {
    await notifyRequester(deps, request, 'identity', resolved.reply);
    await notifyHelpdesk(deps, request, 'identity', { reason: resolved.reason, facts: requestFacts(request), severity: 'warning' });
    await applyEvent(deps, request, { type: 'refused', reason: resolved.reason });
    return;
  }
  request = resolved.request;

  // Someone else named as the target ("add my manager to design-team"): refused by the policy's
  // self-service rule whatever the resource, so the group or app is not looked up, offered or asked for.
  const resource: ResourceResolution = namedOtherTarget(request) === undefined ? await resolveResource(deps, request) : { kind: 'none' };
  switch (resource.kind) {
    case 'ask':
      return askForResource(deps, request, `Which ${resource.resourceKind} do you mean?`, resource.options);
    case 'suggest':
      return askForResource(deps, request, `I couldn't find a requestable ${resource.resourceKind} called "${resource.asked}". Did you mean:`, resource.options);
    case 'unknown':
      return answer(
        deps,
        request,
        { text: `I couldn't find a requestable ${resource.resourceKind} called "${resource.asked}". You can ask for: ${resource.options.join(', ') || 'nothing yet'}. For anything else, ask the helpdesk.` },
        `unknown ${resource.resourceKind}`,
      );
    case 'privileged':
      // A privileged name is never guessed into a request: it is a privileged-access request.
      request = { ...request, action: 'privileged_access_request' };
      break;
    case 'missing_in_idp': {
      const lookalikes = resource.lookalikes ? ` Only look-alike names exist there (${resource.lookalikes.map((n) => JSON.stringify(n)).join(', ')}), which are never used.` : '';
      await notifyRequester(deps, request, 'resource-missing', replies.failed());
      await notifyHelpdesk(deps, request, 'resource-missing', { reason: `Catalogue ${resource.resourceKind} "${resource.name}" does not exist in the IdP.${lookalikes}`, facts: requestFacts(request), severity: 'warning' });
      await applyEvent(deps, request, { type: 'escalated', reason: `catalogue ${resource.resourceKind} missing in IdP` });
      return;
    }
    case 'ambiguous_in_idp':
      // Several IdP apps fold to the catalogue name (a look-alike label, or a duplicate differing in
      // case): never pick one. The requester hears a plain sentence; the helpdesk gets the candidates.
      await notifyRequester(deps, request, 'resource-ambiguous', {
        text: `I couldn't tell which ${resource.name} app to give you access to, so I haven't changed anything. I've passed it to the helpdesk.`,
        tone: 'warning',
      });
      await notifyHelpdesk(deps, request, 'resource-ambiguous', {
        reason: `Ambiguous app: ${resource.candidates.length} IdP apps match catalogue app "${resource.name}" (${resource.candidates.map((c) => `${JSON.stringify(c.name)} ${c.id}`).join(', ')}); nothing was assigned.`,
        facts: requestFacts(request),
        severity: 'warning',
      });
      await applyEvent(deps, request, { type: 'escalated', reason: `catalogue app ambiguous in IdP` });
      return;
    case 'resolved':
      request = { ...request, resource: resource.resource };
      break;
    case 'none':
      if (action === 'conditional_access_change') {
        const name = deps.policy.conditionalAccess.exclusionGroup;
        const group = name ? await deps.idp.findGroupByName(name) : undefined;
        if (group) request = { ...request, resource: { kind: 'group', id: group.id, name: group.name } };
      }
      break;
  }

  // Read, not counted: a request the policy refuses here must not use up the requester's window.
  const recent = await countRecentActions(deps, resolved.user.id);
  const facts = await gatherPolicyFacts(deps, request, resolved.user, { recentActions: recent + 1 });
  const decision = deps.policy.evaluate(facts);
  if (decision.outcome === 'allow' && request.resource?.kind === 'group') {
    // Nothing to change: say so now instead of pushing the requester and asking their manager for nothing.
    const member = facts.targetGroups.some((g) => g.id === request.resource?.id);
    if (action === 'group_membership_add' && member) return answer(deps, request, { text: `You're already a member of ${request.resource.name}; nothing needs changing.` }, NOTHING_TO_CHANGE.alreadyMember);
    if (action === 'group_membership_remove' && !member) return answer(deps, request, { text: `You're not in ${request.resource.name}, so there is nothing to remove.` }, NOTHING_TO_CHANGE.notMember);
  }
  if (decision.outcome === 'allow' && TIME_BOUND_ACTIONS.has(decision.action)) {
    const requested = parseDurationDays(request.text);
    const defaultDays = decision.action === 'conditional_access_change' ? deps.policy.conditionalAccess.defaultDays : undefined;
    const grant = grantDays(requested, decision.maxDurationDays, defaultDays);
    if (grant.days !== undefined) {
      const requestedDays = grant.capped ? requested : undefined;
      request = { ...request, params: { ...request.params, durationDays: grant.days, requestedDays }, accessUntil: new Date(deps.clock.now().getTime() + grant.days * 86_400_000).toISOString() };
    }
  }
  request = await applyEvent(deps, request, { type: 'decided', decision });
  await actOnDecision(deps, request);
}

async function askForResource(deps: CoreDeps, request: ServiceRequest, text: string, options: string[]): Promise<void> {
  await askClarification(deps, request, `ask-resource:${request.version}`, {
    text,
    buttons: [
      ...options.slice(0, 5).map((name) => ({ actionId: CHAT_ACTIONS.choose, value: `${request.id}|resource|${name}`, label: name })),
      { actionId: CHAT_ACTIONS.choose, value: `${request.id}|none`, label: 'Something else' },
    ],
  });
}

/** From `decided`: tell the requester and the helpdesk about a refusal, or verify / ask for approvals. */
async function actOnDecision(deps: CoreDeps, request: ServiceRequest): Promise<void> {
  const decision = request.decision;
  const action = request.action;
  if (!decision || !action) throw new AppError('internal', `request ${request.id} is decided without a decision or action`);
  if (decision.outcome !== 'allow') {
    const reply =
      decision.outcome === 'escalate'
        ? replies.escalatedAction(action)
        : decision.rule === VELOCITY_RULE
          ? replies.velocityLimited(request.id, deps.policy.velocity.limit, deps.policy.velocity.windowMs)
          : { text: decision.userMessage ?? replies.failed().text, tone: 'warning' as const };
    await notifyRequester(deps, request, 'decision', reply);
    await notifyHelpdesk(deps, request, 'decision', {
      reason: decision.outcome === 'escalate' ? `Needs a person: ${decision.reasons.join(' ')}` : `Refused by policy: ${decision.reasons.join(' ')}`,
      facts: { ...requestFacts(request), Message: request.text.slice(0, 500) },
      severity: decision.outcome === 'refuse' ? 'critical' : 'info',
    });
    await applyEvent(deps, request, decision.outcome === 'escalate' ? { type: 'escalated', reason: decision.rule } : { type: 'refused', reason: decision.rule });
    return;
  }
  if (!isExecutableAction(action)) throw new AppError('policy.invalid', `policy allowed ${action}, which has no executor`);
  if (deps.idp.unsupportedActions?.includes(action)) {
    // The IdP has no API for it (Entra ID: unlock): say so before any step-up, and hand it to a person.
    await notifyRequester(deps, request, 'unsupported', replies.unsupported(action));
    await notifyHelpdesk(deps, request, 'unsupported', { reason: `${deps.idp.name} has no API for "${action}": handle it by hand.`, facts: requestFacts(request), severity: 'info' });
    await applyEvent(deps, request, { type: 'escalated', reason: `${action} not supported by ${deps.idp.name}` });
    return;
  }
  if (decision.verification === 'push') return startStepUp(deps, request);
  await requestApprovals(deps, request);
}

/**
 * MFA reset when the requester has no usable factor (or says they lost the device): never on chat
 * identity alone — the policy's attesters (manager, then a helpdesk admin with a step-up) decide.
 */
async function startAttestation(deps: CoreDeps, request: ServiceRequest): Promise<void> {
  if (!request.requester.idpUserId) throw new AppError('internal', 'attestation without a resolved requester');
  const requester = await deps.idp.getUser(request.requester.idpUserId);
  const attesting = { ...request, params: { ...request.params, attestation: true } };
  const decision = deps.policy.evaluate(await gatherPolicyFacts(deps, attesting, requester, { recentActions: 1, noUsableFactor: true }));
  if (decision.outcome !== 'allow' || decision.approvers.length === 0) {
    await notifyRequester(deps, request, 'no-factor', replies.noPushFactor());
    await notifyHelpdesk(deps, request, 'no-factor', { reason: 'No usable factor and no attestation path: verify the requester another way.', facts: requestFacts(request), severity: 'warning' });
    await applyEvent(deps, request, { type: 'refused', reason: 'no usable verification factor' });
    return;
  }
  await requestApprovals(deps, attesting, decision);
}

/** Worker, from the "I lost my phone" button on an MFA reset push: switch to attestation. */
export async function switchToAttestation(deps: CoreDeps, requestId: string): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request || request.state !== 'verifying' || request.action !== 'mfa_reset') return;
  await startAttestation(deps, request);
}

async function startStepUp(deps: CoreDeps, request: ServiceRequest): Promise<void> {
  const userId = request.targetIdpUserId;
  const action = request.action;
  if (!userId || !action) throw new AppError('internal', 'step-up without target or action');
  const limit = deps.policy.pushRateLimit;
  // Counted per request: a retry of this step (the IdP was down) is the same attempt, not a new push.
  const hit = await deps.rateLimiter.hit(`push:${userId}`, limit.limit, limit.windowMs, deps.clock.now(), request.id);
  if (!hit.allowed) {
    await notifyRequester(deps, request, 'push-limit', replies.pushRateLimited());
    await notifyHelpdesk(deps, request, 'push-limit', {
      reason: `Push rate limit reached (${hit.count} in ${Math.round(limit.windowMs / 60000)} min): possible MFA-fatigue attack or a confused user.`,
      facts: requestFacts(request),
      severity: 'critical',
    }, { security: 'signal' });
    await applyEvent(deps, request, { type: 'refused', reason: 'push rate limit reached' });
    return;
  }
  // The request reaches its step-up: it counts towards the velocity window now. Check and count are
  // one atomic step, so two requests decided at the same moment cannot both take the last place.
  if (!(await countTowardsVelocity(deps, request))) {
    const velocity = deps.policy.velocity;
    await notifyRequester(deps, request, 'decision', replies.velocityLimited(request.id, velocity.limit, velocity.windowMs));
    await notifyHelpdesk(deps, request, 'decision', {
      reason: `Refused by policy: velocity limit reached (${velocity.limit} identity actions within ${Math.round(velocity.windowMs / 60_000)} min) while this request was starting its step-up.`,
      facts: { ...requestFacts(request), Message: request.text.slice(0, 500) },
      severity: 'critical',
    }, { security: 'signal' });
    await applyEvent(deps, request, { type: 'refused', reason: VELOCITY_RULE });
    return;
  }
  let challenge;
  try {
    // The label, not the code: it is what an authenticator or the console phone shows next to the number.
    challenge = await deps.stepUp.start(userId, { requestId: request.id, actionLabel: requestLabel(request) });
  } catch (error) {
    if (isAppError(error) && error.code === 'stepup.no_factor') {
      if (action === 'mfa_reset') return startAttestation(deps, request);
      await notifyRequester(deps, request, 'no-factor', replies.noPushFactor());
      await notifyHelpdesk(deps, request, 'no-factor', { reason: 'No push factor enrolled: verify the requester another way.', facts: requestFacts(request), severity: 'warning' });
      await applyEvent(deps, request, { type: 'refused', reason: 'no usable verification factor' });
      return;
    }
    throw error;
  }
  const now = deps.clock.now();
  request = await applyEvent(deps, request, {
    type: 'verification_started',
    stepUp: {
      ...(challenge.kind === 'link' && challenge.url ? { kind: 'link' as const, url: challenge.url } : {}),
      transactionId: challenge.transactionId,
      factorId: challenge.factorId,
      factorType: challenge.factorType,
      numberChallenge: challenge.numberChallenge,
      startedAt: now.toISOString(),
      expiresAt: challenge.expiresAt.toISOString(),
      polls: 0,
    },
  });
  const noDevice = action === 'mfa_reset' ? request.id : undefined;
  const label = requestLabel(request);
  const prompt = challenge.kind === 'link' && challenge.url ? replies.signInSent(label, challenge.url, noDevice) : replies.pushSent(label, challenge.numberChallenge, noDevice);
  await notifyRequester(deps, request, 'push', prompt, { slot: PROMPT_SLOTS.push });
  await deps.queue.enqueue({ name: 'stepup.poll', requestId: request.id, step: 'poll:1', delayMs: deps.stepUpPoll.intervalMs, payload: { attempt: 1 } });
}

