import type { Escalation } from '../domain/chat';
import { createFakePolicyEngine, drainQueue } from '../testing';
import type { TestCoreDeps } from '../testing';
import { PEOPLE, TEXT, answerPush, createScenario, send, stateOf, stored } from '../testing/core-scenario';
import { notifyHelpdesk, requestFacts } from './notify';

const THIRD_PARTY = "reset Bob's password";
const PRIVILEGED = 'add me to Domain Admins';
const TEN_MINUTES = 10 * 60_000;

/** The default limits: 5 helpdesk cards per requester per 10 minutes; 20 messages a minute. */
function scenario(): TestCoreDeps {
  const deps = createScenario({ policy: createFakePolicyEngine({ helpdeskFlood: { limit: 5, windowMs: TEN_MINUTES }, messageRateLimit: { limit: 20, windowMs: 60_000 } }) });
  deps.classifier.set(THIRD_PARTY, { intent: 'password_reset', slots: { target: 'Bob' } });
  deps.classifier.set("reset Alice's password", { intent: 'password_reset', slots: { target: 'Alice' } });
  deps.classifier.set(PRIVILEGED, { intent: 'privileged_access_request', slots: { group: 'Domain Admins' } });
  return deps;
}

async function sendMany(deps: TestCoreDeps, chatUserId: string, text: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await send(deps, chatUserId, text));
  return ids;
}

const isSummary = (e: Escalation): boolean => e.requestId === undefined;

describe('helpdesk flood control: one requester posts at most N cards per window, then one summary card', () => {
  it('posts 5 cards for 5 refused third-party requests, then one summary card for the 6th to 10th; all 10 are refused and audited', async () => {
    const deps = scenario();
    const ids = await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 10);

    const cards = deps.chat.escalations();
    expect(cards).toHaveLength(6);
    expect(cards.slice(0, 5).map((c) => c.requestId)).toEqual(ids.slice(0, 5));
    const summary = cards[5];
    expect(summary && isSummary(summary)).toBe(true);
    expect(summary?.reason).toMatch(
      /^Alice has caused 6 escalations in 10 minutes; further ones from this requester are not posted one by one until 2025-01-06 09:10 UTC; each is in the audit log \(request ids rq_/,
    );
    for (const id of ids.slice(0, 6)) expect(summary?.reason).toContain(id);
    expect(summary).toMatchObject({ severity: 'critical', buttons: [], facts: { 'Chat user': `console:${PEOPLE.alice.chat}`, About: 'self-service-target-only ×6' } });

    for (const id of ids) {
      expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { rule: 'self-service-target-only' } });
      expect(deps.audit.forRequest(id).map((e) => e.type)).toContain('request.refused');
    }
    // The folded ones: not a case card, but each on record with its place in the window.
    for (const [n, id] of ids.slice(5).entries()) {
      expect((await stored(deps, id)).helpdeskCase).toBeUndefined();
      expect(deps.audit.forRequest(id).filter((e) => e.type === 'helpdesk.folded')).toEqual([
        expect.objectContaining({ requester: expect.objectContaining({ chatUserId: PEOPLE.alice.chat }), details: expect.objectContaining({ key: 'decision', foldedInWindow: n + 1, summaryPosted: n === 0 }) }),
      ]);
    }
    for (const id of ids.slice(0, 5)) expect(deps.audit.forRequest(id).some((e) => e.type === 'helpdesk.folded')).toBe(false);
    // The requester is still answered every time: folding is about the helpdesk channel only.
    expect(deps.chat.posts()).toHaveLength(10);
  });

  it('still posts a security alert during the flood: a denied push and a reported compromise', async () => {
    const deps = scenario();
    await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 7);
    expect(deps.chat.escalations()).toHaveLength(6);

    const denied = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    await answerPush(deps, 'rejected');
    const compromised = await send(deps, PEOPLE.alice.chat, TEXT.compromisedSignOut);
    await answerPush(deps, 'approved');

    expect(await stateOf(deps, denied)).toBe('refused');
    expect(await stateOf(deps, compromised)).toBe('succeeded');
    expect(deps.chat.escalations().slice(6)).toEqual([
      expect.objectContaining({ requestId: denied, severity: 'critical', reason: expect.stringMatching(/account-takeover/) }),
      expect.objectContaining({ requestId: compromised, severity: 'critical', reason: expect.stringMatching(/someone else has their password/) }),
    ]);
    // Anything else from the same requester is still folded.
    const human = await send(deps, PEOPLE.alice.chat, TEXT.human);
    expect(await stateOf(deps, human)).toBe('escalated');
    expect(deps.chat.escalations()).toHaveLength(8);
    expect(deps.audit.forRequest(human).some((e) => e.type === 'helpdesk.folded')).toBe(true);
  });

  it('after decoy refusals, the first push-limit (MFA fatigue) card of the window still posts; repeats fold', async () => {
    const deps = createScenario({
      policy: createFakePolicyEngine({ helpdeskFlood: { limit: 5, windowMs: TEN_MINUTES }, messageRateLimit: { limit: 50, windowMs: 60_000 }, pushRateLimit: { limit: 1, windowMs: 15 * 60_000 } }),
    });
    deps.classifier.set(THIRD_PARTY, { intent: 'password_reset', slots: { target: 'Bob' } });
    await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 6);
    expect(deps.chat.escalations()).toHaveLength(6); // 5 cards and the summary: the channel is folded
    await send(deps, PEOPLE.alice.chat, TEXT.reset); // the one push the limit allows
    const limited = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const again = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    expect(await stateOf(deps, limited)).toBe('refused');
    expect(deps.chat.escalations().filter((c) => /Push rate limit reached/.test(c.reason))).toEqual([expect.objectContaining({ requestId: limited, severity: 'critical' })]);
    expect(deps.audit.forRequest(again).some((e) => e.type === 'helpdesk.folded')).toBe(true);
  });

  it("folds one requester's cards only: someone else's escalations still post one by one", async () => {
    const deps = scenario();
    await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 8);
    const bob = await send(deps, PEOPLE.bob.chat, "reset Alice's password");
    expect(deps.chat.escalations().at(-1)).toMatchObject({ requestId: bob, reason: expect.stringMatching(/^Refused by policy/) });
  });

  it('posts one by one again after the window, with a new summary for a new flood', async () => {
    const deps = scenario();
    await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 7);
    deps.clock.advance(TEN_MINUTES - 1);
    await send(deps, PEOPLE.alice.chat, THIRD_PARTY); // still inside the period the summary announced
    expect(deps.chat.escalations()).toHaveLength(6);

    deps.clock.advance(1);
    const later = await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 6);
    const cards = deps.chat.escalations().slice(6);
    expect(cards.slice(0, 5).map((c) => c.requestId)).toEqual(later.slice(0, 5));
    expect(cards).toHaveLength(6);
    expect(cards[5]?.reason).toMatch(/^Alice has caused 6 escalations in 10 minutes; .* until 2025-01-06 09:20 UTC/);
  });

  it('says what the folded escalations were about: a run of privileged-access attempts reads as such', async () => {
    const deps = scenario();
    await sendMany(deps, PEOPLE.alice.chat, THIRD_PARTY, 2);
    await sendMany(deps, PEOPLE.alice.chat, PRIVILEGED, 4);
    const summary = deps.chat.escalations().find(isSummary);
    expect(summary?.facts.About).toMatch(/privileged_access_request ×4; self-service-target-only ×2$/);
    expect(summary?.severity).toBe('critical');
  });

  it('counts a retried step once: the same card again neither uses up the window nor folds', async () => {
    const deps = createScenario({ policy: createFakePolicyEngine({ helpdeskFlood: { limit: 1, windowMs: TEN_MINUTES } }) });
    const id = await send(deps, PEOPLE.alice.chat, TEXT.human);
    const request = await stored(deps, id);
    // The step that escalated runs again (a crash after the enqueue): same request, same key.
    await notifyHelpdesk(deps, request, 'human', { reason: 'The requester asked to talk to a person.', facts: requestFacts(request), severity: 'info' });
    await drainQueue(deps);

    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id })]);
    expect(deps.audit.forRequest(id).some((e) => e.type === 'helpdesk.folded')).toBe(false);
    await send(deps, PEOPLE.alice.chat, TEXT.human);
    expect(deps.chat.escalations()).toHaveLength(2);
    const summary = deps.chat.escalations().at(-1);
    expect(summary && isSummary(summary)).toBe(true);
    expect(summary?.reason).toMatch(/has caused 2 escalations/);
  });
});
