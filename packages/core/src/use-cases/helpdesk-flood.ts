import type { Escalation } from '../domain/chat';
import { MESSAGE_RATE_LIMIT_RULE, requesterKey } from '../domain/flood-control';
import type { ServiceRequest } from '../domain/request';
import type { CoreDeps } from './core-deps';
import { recordAudit } from './request-journal';

export type HelpdeskFloodDeps = Pick<CoreDeps, 'store' | 'audit' | 'clock' | 'policy' | 'agent' | 'rateLimiter'>;

/** Whether an escalation posts its own card; when folded, the summary card to post instead (the first fold of a period only). */
export type CardAdmission = { post: true } | { post: false; summary?: Escalation };

/** Requests listed by id on a summary card; the rest are counted ("and 3 more"). */
const LISTED_IDS = 10;
/** States a request ends in after an escalation card (refusals and failures reach the helpdesk too). */
const ESCALATING_STATES: readonly ServiceRequest['state'][] = ['refused', 'escalated', 'failed'];

/**
 * Helpdesk flood control (policy `helpdeskFlood`): one requester's escalations post at most `limit`
 * cards in the window. The next one starts a fold period of one whole window: it posts a single
 * summary card instead of its own, and every further one until the period ends posts nothing. A
 * folded escalation changes nothing else — the request ends in the same state with the same audit
 * events, and a `helpdesk.folded` audit event records the fold — so nothing is lost, only not posted
 * one by one. Security alerts (`security: 'alert'`) never come here: the caller posts them.
 *
 * Counted per `requestId:key`, the card's job id, so a retried step counts once. A step retried after
 * a fold period began is folded even if its card went out the first time: an extra audit event, never
 * a lost or doubled card.
 */
export async function admitHelpdeskCard(
  deps: HelpdeskFloodDeps,
  request: ServiceRequest,
  key: string,
  escalation: Omit<Escalation, 'requestId'>,
  options: { firstOfKindPosts?: boolean } = {},
): Promise<CardAdmission> {
  const { limit, windowMs } = deps.policy.helpdeskFlood;
  const now = deps.clock.now();
  const who = requesterKey(request);
  const attempt = `${request.id}:${key}`;
  // A security signal a chat message alone can raise again and again (the push limit: MFA fatigue;
  // velocity): its first card of the window always posts, whatever decoys came before; repeats fold.
  if (options.firstOfKindPosts && (await deps.rateLimiter.hit(`helpdesk-signal:${who}:${key}`, 1, windowMs, now, attempt)).allowed) return { post: true };
  // A summary card promised "not one by one until <end of window>": while it stands, nothing posts.
  const folding = (await deps.rateLimiter.count(`helpdesk-summary:${who}`, windowMs, now)) > 0;
  if (!folding) {
    const card = await deps.rateLimiter.hit(`helpdesk-cards:${who}`, limit, windowMs, now, attempt);
    if (card.allowed) return { post: true };
  }
  // Check and count in one step: of two escalations folding at once, only one posts the summary.
  const first = await deps.rateLimiter.hit(`helpdesk-summary:${who}`, 1, windowMs, now, attempt);
  const folded = await deps.rateLimiter.hit(`helpdesk-folded:${who}`, Number.MAX_SAFE_INTEGER, windowMs, now, attempt);
  await recordAudit(deps, request, 'helpdesk.folded', {
    details: { key, severity: escalation.severity, reason: escalation.reason.slice(0, 300), foldedInWindow: folded.count, limit, windowMs, summaryPosted: first.allowed },
  });
  if (!first.allowed) return { post: false };
  return { post: false, summary: await summaryCard(deps, request, escalation, now) };
}

/**
 * "<requester> has caused N escalations in M minutes; …": the requester, what the escalations were
 * about (a run of privileged-access attempts reads as exactly that), and the request ids to look up.
 * No case buttons and no request id: it is not a case, and must not become one request's case card.
 */
async function summaryCard(deps: HelpdeskFloodDeps, request: ServiceRequest, escalation: Omit<Escalation, 'requestId'>, now: Date): Promise<Escalation> {
  const { limit, windowMs } = deps.policy.helpdeskFlood;
  const since = now.getTime() - windowMs;
  const who = requesterKey(request);
  const earlier = (await deps.store.listByRequester(request.requester.chatUserId, { limit: 50 })).filter(
    (r) =>
      r.id !== request.id &&
      requesterKey(r) === who &&
      Date.parse(r.updatedAt) > since &&
      ESCALATING_STATES.includes(r.state) &&
      r.outcome?.summary !== MESSAGE_RATE_LIMIT_RULE,
  );
  // Newest first, this one included.
  const escalations = [{ id: request.id, about: request.decision?.rule ?? firstLine(escalation.reason) }, ...earlier.map((r) => ({ id: r.id, about: r.outcome?.summary ?? r.decision?.rule ?? r.state }))];
  // The cards counted in the window, and this one: the limiter's numbers, not a guess from the store.
  const count = (await deps.rateLimiter.count(`helpdesk-cards:${who}`, windowMs, now)) + 1;
  const minutes = Math.round(windowMs / 60_000);
  const until = new Date(now.getTime() + windowMs).toISOString().slice(0, 16).replace('T', ' ');
  const ids = escalations.slice(0, LISTED_IDS).map((e) => e.id);
  const more = escalations.length > LISTED_IDS ? `, and ${escalations.length - LISTED_IDS} more` : '';
  const name = request.requester.displayName ?? request.requester.email ?? request.requester.chatUserId;
  const about = new Map<string, number>();
  for (const e of escalations) about.set(e.about, (about.get(e.about) ?? 0) + 1);

  const facts: Record<string, string> = {
    Requester: name,
    'Chat user': `${request.conversation.surface}:${request.requester.chatUserId}`,
  };
  if (request.requester.email) facts.Email = request.requester.email;
  if (request.requester.idpLogin) facts['IdP login'] = request.requester.idpLogin;
  facts.About = [...about].map(([what, n]) => (n > 1 ? `${what} ×${n}` : what)).join('; ').slice(0, 500);
  facts.Limit = `${limit} cards per ${minutes} min per requester; security alerts are always posted`;
  facts.Audit = 'each folded escalation: event helpdesk.folded on its request';
  return {
    reason: `${name} has caused ${count} escalations in ${minutes} minutes; further ones from this requester are not posted one by one until ${until} UTC; each is in the audit log (request ids ${ids.join(', ')}${more}).`,
    facts,
    severity: escalation.severity === 'critical' || earlier.some((r) => r.decision?.outcome === 'refuse') ? 'critical' : 'warning',
    buttons: [],
  };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).slice(0, 120);
}
