import { AppError } from '../domain/app-error';
import { PEOPLE, TEXT, answerPush, createScenario, postedTexts, send, stateOf, stored } from '../testing/core-scenario';
import { createFakePolicyEngine } from '../testing';

describe('processRequest: conversation', () => {
  it.each([
    [TEXT.hi, 'greeted', /Hi! I'm the identity helpdesk bot/],
    [TEXT.help, 'help shown', /Here is what I can do/],
    [TEXT.weather, 'out of scope', /outside what I can help with/],
    [TEXT.gibberish, 'not understood', /didn't understand/],
  ])('answers "%s" and ends answered', async (text, summary, reply) => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, text);

    const request = await stored(deps, id);
    expect(request.state).toBe('answered');
    expect(request.outcome?.summary).toBe(summary);
    expect(postedTexts(deps)).toEqual([expect.stringMatching(reply)]);
    expect(deps.chat.escalations()).toEqual([]);
    // "help" and the greeting read the user's facts to list what they may ask for; nothing ever writes.
    expect(deps.idp.writes()).toEqual([]);
    if (summary !== 'help shown' && summary !== 'greeted') expect(deps.idp.calls()).toEqual([]);
  });

  it('escalates to the helpdesk when the requester asks for a human', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.human);

    expect(await stateOf(deps, id)).toBe('escalated');
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id, severity: 'info', reason: expect.stringMatching(/talk to a person/) })]);
    expect(deps.chat.escalations()[0]?.facts.Message).toBe(TEXT.human);
    expect(postedTexts(deps)).toEqual([expect.stringMatching(/let the helpdesk know/)]);
  });

  it('routes an action the policy leaves to people to the helpdesk without a push', async () => {
    const deps = createScenario();
    deps.classifier.set('let me sign in from abroad', { intent: 'conditional_access_change' });
    const id = await send(deps, PEOPLE.alice.chat, 'let me sign in from abroad');

    expect(await stateOf(deps, id)).toBe('escalated');
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ severity: 'info', reason: expect.stringMatching(/^Needs a person/) })]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('answers a negated reset without a push or a write', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.negatedReset);

    expect(await stored(deps, id)).toMatchObject({ state: 'answered', intent: 'password_reset', action: undefined });
    expect(postedTexts(deps)).toEqual([expect.stringMatching(/I won't reset anything/)]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('lists the requester\'s own earlier requests for "status"', async () => {
    const deps = createScenario({ classifications: { 'status?': { intent: 'status' }, [TEXT.hi]: { intent: 'greeting' } } });
    await send(deps, PEOPLE.bob.chat, TEXT.hi);
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    const id = await send(deps, PEOPLE.alice.chat, 'status?');

    expect(await stateOf(deps, id)).toBe('answered');
    const reply = postedTexts(deps).at(-1) ?? '';
    expect(reply).toMatch(/^Your recent requests:\n• greeting — /);
    expect(reply.split('\n')).toHaveLength(2);
  });
});

describe('processRequest: model accounting', () => {
  it('records the model, its latency and token use on the audit event', async () => {
    const deps = createScenario();
    deps.classifier.set('hello model', { intent: 'greeting', classifier: { name: 'openai', version: '1', model: 'gpt-4o-mini' }, latencyMs: 321, usage: { promptTokens: 200, completionTokens: 20, totalTokens: 220 } });
    const id = await send(deps, PEOPLE.alice.chat, 'hello model');
    const understood = deps.audit.forRequest(id).find((e) => e.type === 'request.understood');
    expect(understood?.agent).toMatchObject({ model: 'gpt-4o-mini', latencyMs: 321, tokens: { prompt: 200, completion: 20, total: 220 } });
  });
});

describe('processRequest: several requests, other languages, help for this user', () => {
  it('asks which first when one message holds two actions, and runs none of them yet', async () => {
    const deps = createScenario();
    const text = 'reset my password and unlock my account';
    deps.classifier.set(text, { intent: 'password_reset' });
    deps.classifier.set('reset my password', { intent: 'password_reset' });
    deps.classifier.set('unlock my account', { intent: 'account_unlock' });
    const id = await send(deps, PEOPLE.alice.chat, text);
    expect(await stateOf(deps, id)).toBe('clarifying');
    expect(deps.chat.posts().at(-1)?.message.buttons?.map((b) => b.value)).toEqual([`${id}|password_reset`, `${id}|account_unlock`, `${id}|none`]);
    expect(deps.stepUp.started()).toEqual([]);
  });

  it('refuses the whole message when one clause asks for privileged access', async () => {
    const deps = createScenario();
    const text = 'reset my password and add me to domain admins';
    deps.classifier.set(text, { intent: 'password_reset' });
    deps.classifier.set('reset my password', { intent: 'password_reset' });
    deps.classifier.set('add me to domain admins', { intent: 'privileged_access_request' });
    const id = await send(deps, PEOPLE.alice.chat, text);
    expect(await stored(deps, id)).toMatchObject({ intent: 'privileged_access_request' });
    expect(['refused', 'escalated']).toContain(await stateOf(deps, id));
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('answers a message in another language politely in English and offers a person', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, 'olvidé mi contraseña');
    expect(await stateOf(deps, id)).toBe('clarifying');
    const reply = deps.chat.posts().at(-1)?.message;
    expect(reply?.text).toMatch(/only work in English .*Spanish/);
    expect(reply?.buttons?.[0]?.value).toBe(`${id}|human_agent`);
  });

  it('greets with everything this user may ask for, from the same policy evaluation as help', async () => {
    const catalogue = { groups: [{ name: 'design-team', ownerEmail: PEOPLE.bob.email }], apps: [{ name: 'Figma', ownerEmail: PEOPLE.bob.email }] };
    const deps = createScenario({ policy: createFakePolicyEngine({ escalate: [], catalogue }) });
    deps.classifier.set('help', { intent: 'help' });
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    expect(postedTexts(deps).at(-1)).toBe(
      'Hi! I\'m the identity helpdesk bot. I can help with passwords, unlocking, signing out everywhere, MFA on a new phone, groups, app access and sign-in from abroad. Type "help" for examples.',
    );
    await send(deps, PEOPLE.alice.chat, 'help');
    expect(postedTexts(deps).at(-1)).toMatch(/I forgot my password[^]*locked out[^]*Sign me out[^]*New phone[^]*Add me to <group>[^]*Remove me from[^]*I need <app>[^]*sign in from abroad/);
  });

  it('greets with only what the policy allows: the default escalations, an admin, a user it cannot resolve', async () => {
    const deps = createScenario();
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    expect(postedTexts(deps).at(-1)).toBe('Hi! I\'m the identity helpdesk bot. I can help with passwords, unlocking and signing out everywhere. Type "help" for examples.');
    await send(deps, PEOPLE.root.chat, TEXT.hi);
    expect(postedTexts(deps).at(-1)).toMatch(/^Hi! I'm the identity helpdesk bot\. For your account I can't make changes myself/);
    await send(deps, PEOPLE.noEmail.chat, TEXT.hi);
    expect(postedTexts(deps).at(-1)).toMatch(/I can help with passwords, unlocking and signing out everywhere\./);
  });

  it('a length said in a request that cannot be time-bound means nothing (and a huge one crashes nothing)', async () => {
    const deps = createScenario();
    const text = 'I forgot my password, reset it for 100000000 days';
    deps.classifier.set(text, { intent: 'password_reset' });
    const id = await send(deps, PEOPLE.alice.chat, text);
    const request = await stored(deps, id);
    expect(request.params.durationDays).toBeUndefined();
    expect(request.accessUntil).toBeUndefined();
    expect(deps.stepUp.started()).toHaveLength(1);
  });

  it('an IdP outage while greeting still greets, with the general list', async () => {
    const deps = createScenario();
    deps.idp.failNext('listAdminRoles', new AppError('idp.unavailable', 'Okta 503', { retryable: true }), 3);
    await send(deps, PEOPLE.alice.chat, TEXT.hi);
    expect(postedTexts(deps).at(-1)).toMatch(/^Hi! I'm the identity helpdesk bot\. I can help with passwords/);
  });

  it('lists only what the policy allows this user: an admin sees no self-service actions', async () => {
    const deps = createScenario();
    deps.classifier.set('help', { intent: 'help' });
    await send(deps, PEOPLE.alice.chat, 'help');
    expect(postedTexts(deps).at(-1)).toMatch(/I forgot my password/);
    await send(deps, PEOPLE.root.chat, 'help');
    expect(postedTexts(deps).at(-1)).toMatch(/can't make changes myself/);
  });
});

describe('processRequest: self-service acts only on the requester', () => {
  it.each([
    ["reset Bob's password", { intent: 'password_reset' as const, slots: { target: 'Bob' } }],
    ['please unlock bob@example.com', { intent: 'account_unlock' as const }],
    ['reset password for bob\u200b@example.com', { intent: 'password_reset' as const }],
    // Third parties named without a capital or a possessive (the intent package finds the target).
    ["reset bob's password", { intent: 'password_reset' as const, slots: { target: 'bob' } }],
    ['please reset password of Bob Tester', { intent: 'password_reset' as const, slots: { target: 'Bob Tester' } }],
    ["I'm locked out, also please unlock Bob", { intent: 'account_unlock' as const, slots: { target: 'Bob' } }],
    ['I need Salesforce access for bob', { intent: 'app_access_request' as const, slots: { app: 'Salesforce', target: 'bob' } }],
    ['add me and bob to design-team', { intent: 'group_membership_add' as const, slots: { group: 'design-team', target: 'bob' } }],
    ['add my manager to design-team', { intent: 'group_membership_add' as const, slots: { group: 'design-team', target: 'my manager' } }],
  ])('refuses "%s" and escalates before any push or write', async (text, classification) => {
    const deps = createScenario();
    deps.classifier.set(text, classification);
    const id = await send(deps, PEOPLE.alice.chat, text);

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { rule: 'self-service-target-only' } });
    expect(postedTexts(deps)).toEqual([expect.stringMatching(/passed it to the helpdesk/)]);
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id })]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it.each([
    ['reset my password for <@U_BOB>', ['U_BOB']],
    ['reset the password of <@U_BOB> please', ['U_ALICE_SELF', 'U_BOB']],
  ])('refuses "%s": a chat mention of someone else is a third party, even when the classifier saw none', async (text, mentions) => {
    const deps = createScenario();
    deps.classifier.set(text, { intent: 'password_reset' });
    const id = await send(deps, PEOPLE.alice.chat, text, undefined, mentions.map((m) => (m === 'U_ALICE_SELF' ? PEOPLE.alice.chat : m)));
    expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { rule: 'self-service-target-only' }, params: { mentionedUsers: ['U_BOB'] } });
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id })]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('serves a request that mentions only the requester themself', async () => {
    const deps = createScenario();
    const text = 'reset my password (I am <@me>)';
    deps.classifier.set(text, { intent: 'password_reset' });
    const id = await send(deps, PEOPLE.alice.chat, text, undefined, [PEOPLE.alice.chat]);
    expect((await stored(deps, id)).params.mentionedUsers).toBeUndefined();
    expect(deps.stepUp.started()).toHaveLength(1);
  });

  it('accepts the requester naming their own email address', async () => {
    const deps = createScenario();
    const text = 'please unlock alice@example.com';
    deps.classifier.set(text, { intent: 'account_unlock' });
    const id = await send(deps, PEOPLE.alice.chat, text);
    expect(await stateOf(deps, id)).toBe('verifying');
  });

  it('answers a negated action carried as a topic (classifier returns help + topic) without a push', async () => {
    const deps = createScenario();
    const text = "I don't need a reset, just tell me how to change it myself";
    deps.classifier.set(text, { intent: 'help', negated: true, slots: { topic: 'password_reset' } });
    const id = await send(deps, PEOPLE.alice.chat, text);
    expect(await stateOf(deps, id)).toBe('answered');
    expect(postedTexts(deps)).toEqual([expect.stringMatching(/change your password yourself/)]);
    expect(deps.stepUp.started()).toEqual([]);
  });
});

describe('processRequest: clarification', () => {
  it('asks with buttons when confidence is low, instead of acting', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);

    expect(await stateOf(deps, id)).toBe('clarifying');
    const buttons = deps.chat.posts().at(-1)?.message.buttons ?? [];
    expect(buttons.map((b) => b.value)).toEqual([`${id}|password_reset`, `${id}|account_unlock`, `${id}|none`]);
    expect(buttons.every((b) => b.actionId === 'keyward.choose')).toBe(true);
    expect(deps.stepUp.started()).toEqual([]);
  });

  it('still asks after a crash between understanding and asking (the retry has no classification)', async () => {
    // Fix: the resumed run used to skip the confidence check and send a push for a guess.
    const deps = createScenario();
    deps.queue.failEnqueue(new AppError('queue.unavailable', 'redis blip', { retryable: true }), (job) => job.step === 'notify:clarify');
    await expect(send(deps, PEOPLE.alice.chat, TEXT.vague)).rejects.toThrow('redis blip');
    const id = deps.store.all()[0]?.id ?? '';
    expect(await stateOf(deps, id)).toBe('understood');

    await send(deps, PEOPLE.alice.chat, 'unused', 'EvUnused'); // drains the retried job too
    expect(await stateOf(deps, id)).toBe('clarifying');
    expect(deps.stepUp.started()).toEqual([]);
  });

  it('still answers a negated request after a crash between understanding and answering', async () => {
    const deps = createScenario();
    deps.queue.failEnqueue(new AppError('queue.unavailable', 'redis blip', { retryable: true }), (job) => job.step === 'notify:answer');
    await expect(send(deps, PEOPLE.alice.chat, TEXT.negatedReset)).rejects.toThrow('redis blip');
    const id = deps.store.all()[0]?.id ?? '';

    await send(deps, PEOPLE.alice.chat, 'unused', 'EvUnused2');
    expect(await stored(deps, id)).toMatchObject({ state: 'answered', outcome: { summary: 'negated' } });
    expect(postedTexts(deps)[0]).toMatch(/I won't reset anything/);
  });
});

describe('processRequest: who is asking (invariant 1)', () => {
  it.each([
    ['an external (Slack Connect) user', PEOPLE.external.chat, /another organisation/],
    ['a bot', PEOPLE.bot.chat, /bot or deactivated/],
    ['a profile without email', PEOPLE.noEmail.chat, /no verified email/],
    ['an email no IdP user has', PEOPLE.ghost.chat, /No IdP user/],
    ['an email two IdP users share', PEOPLE.twin.chat, /2 IdP users share/],
  ])('refuses %s, tells the helpdesk and sends no push', async (_who, chatUserId, reason) => {
    const deps = createScenario();
    const id = await send(deps, chatUserId, TEXT.reset);

    expect(await stateOf(deps, id)).toBe('refused');
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id, reason: expect.stringMatching(reason) })]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.rateLimiter.hits(`push:${(await stored(deps, id)).targetIdpUserId ?? ''}`)).toBe(0);
  });

  it('never classifies a message from someone it will not serve', async () => {
    const deps = createScenario();
    await send(deps, PEOPLE.external.chat, TEXT.reset);
    await send(deps, PEOPLE.bot.chat, TEXT.reset);
    expect(deps.classifier.seen()).toEqual([]);
  });

  it('targets the requester\'s own IdP account, found by the verified email', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);

    expect(await stored(deps, id)).toMatchObject({ targetIdpUserId: PEOPLE.alice.idp, requester: { idpUserId: PEOPLE.alice.idp, email: PEOPLE.alice.email } });
    expect(deps.stepUp.started().map((s) => s.userId)).toEqual([PEOPLE.alice.idp]);
  });
});

describe('processRequest: policy and step-up', () => {
  it('refuses a reset for an admin-role target before any push or write', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.root.chat, TEXT.reset);

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', decision: { outcome: 'refuse', rule: 'privileged-target' } });
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ severity: 'critical', reason: expect.stringMatching(/^Refused by policy/) })]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
    expect(deps.rateLimiter.hits(`push:${PEOPLE.root.idp}`)).toBe(0);
  });

  it('sends a push naming the action with the number to tap shown in the thread', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);

    const started = deps.stepUp.lastChallenge();
    const number = started?.challenge.numberChallenge;
    expect(number).toEqual(expect.any(Number));
    // Fix: the push used to carry the action code ("password_reset") instead of its label.
    expect(started?.context).toEqual({ requestId: id, actionLabel: 'Reset your password' });
    const post = deps.chat.posts().at(-1)?.message;
    expect(post?.text).toBe(`Reset your password: I sent a push to Okta Verify on your phone. Tap ${number} to approve.`);
    expect(post?.emphasis).toBe(String(number));
    expect(await stored(deps, id)).toMatchObject({ state: 'verifying', stepUp: { transactionId: started?.challenge.transactionId, numberChallenge: number, polls: 0 } });
    expect(deps.queue.pending().map((j) => j.id)).toEqual([`${id}:poll:1`]);
  });

  it('refuses the 4th push within 15 minutes and raises a critical escalation (MFA fatigue)', async () => {
    const deps = createScenario();
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push(await send(deps, PEOPLE.alice.chat, TEXT.reset));
      deps.clock.advance(60_000);
    }

    expect(deps.stepUp.started()).toHaveLength(3);
    expect(await stateOf(deps, ids[3] ?? '')).toBe('refused');
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: ids[3], severity: 'critical', reason: expect.stringMatching(/Push rate limit/) })]);
    expect(postedTexts(deps).at(-1)).toMatch(/won't send another one/);
  });

  it('allows a push again once the window has passed', async () => {
    const deps = createScenario();
    for (let i = 0; i < 3; i += 1) await send(deps, PEOPLE.alice.chat, TEXT.reset);
    deps.clock.advance(15 * 60_000 + 1);
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.stepUp.started()).toHaveLength(4);
  });

  it('refuses and escalates when the requester has no push factor', async () => {
    const deps = createScenario();
    deps.stepUp.setUsersWithoutFactor([PEOPLE.nofactor.idp]);
    const id = await send(deps, PEOPLE.nofactor.chat, TEXT.reset);

    expect(await stored(deps, id)).toMatchObject({ state: 'refused', outcome: { summary: 'no usable verification factor' } });
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ severity: 'warning', reason: expect.stringMatching(/No push factor/) })]);
    expect(postedTexts(deps)).toEqual([expect.stringMatching(/no Okta Verify on your account/)]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('sends the push on retry when the IdP was down the first time (no request stuck in decided)', async () => {
    // Fix: a retryable failure after `decided` left the request in `decided`, which no step resumed.
    const deps = createScenario();
    deps.stepUp.failNextStart(new AppError('idp.unavailable', 'okta 503', { retryable: true }));
    await expect(send(deps, PEOPLE.alice.chat, TEXT.reset)).rejects.toThrow('okta 503');
    const id = deps.store.all()[0]?.id ?? '';
    expect(await stateOf(deps, id)).toBe('decided');

    await send(deps, PEOPLE.bob.chat, TEXT.hi); // the drain also retries the failed job
    expect(await stateOf(deps, id)).toBe('verifying');
    expect(deps.stepUp.started().map((s) => s.userId)).toEqual([PEOPLE.alice.idp]);
    await answerPush(deps, 'approved');
    expect(await stateOf(deps, id)).toBe('succeeded');
  });

  it('re-tells the refusal after a crash between deciding and refusing', async () => {
    const deps = createScenario();
    deps.queue.failEnqueue(new AppError('queue.unavailable', 'redis blip', { retryable: true }), (job) => job.step === 'notify:decision');
    await expect(send(deps, PEOPLE.root.chat, TEXT.reset)).rejects.toThrow('redis blip');
    const id = deps.store.all()[0]?.id ?? '';

    await send(deps, PEOPLE.bob.chat, TEXT.hi);
    expect(await stateOf(deps, id)).toBe('refused');
    expect(deps.chat.escalations()).toEqual([expect.objectContaining({ requestId: id, severity: 'critical' })]);
    expect(deps.stepUp.started()).toEqual([]);
  });

  it('uses the confidence threshold of the loaded policy', async () => {
    const deps = createScenario({ policy: createFakePolicyEngine({ confidenceThreshold: 0.3 }) });
    const id = await send(deps, PEOPLE.alice.chat, TEXT.vague);
    expect(await stateOf(deps, id)).toBe('verifying');
  });
});

describe('processRequest: courtesies and messages in other languages', () => {
  it.each(['thanks!', 'thank you', 'ok thanks'])('answers "%s" politely, without a "did you mean" and without opening anything', async (text) => {
    const deps = createScenario();
    // What the offline classifier used to make of it: a weak "cancel".
    deps.classifier.set(text, { intent: 'cancel', confidence: 0.42, alternatives: [{ intent: 'unknown', confidence: 0.2 }] });
    const id = await send(deps, PEOPLE.alice.chat, text);

    expect(await stored(deps, id)).toMatchObject({ state: 'answered', outcome: { summary: 'thanked' } });
    expect(deps.chat.posts().map((p) => p.message)).toEqual([{ text: "You're welcome! Just message me if you need anything else." }]);
    expect(deps.chat.escalations()).toEqual([]);
  });

  it('still acts on a thank-you that carries a confident request, and never thanks a "no thanks"', async () => {
    const deps = createScenario();
    deps.classifier.set('thanks, now reset my password', { intent: 'password_reset' });
    deps.classifier.set('no thanks', { intent: 'cancel', confidence: 0.9 });
    expect(await stateOf(deps, await send(deps, PEOPLE.alice.chat, 'thanks, now reset my password'))).toBe('verifying');
    await send(deps, PEOPLE.alice.chat, 'no thanks');
    expect(postedTexts(deps).at(-1)).not.toMatch(/welcome/);
  });

  it.each([
    ["J'ai oublié mon mot de passe", { intent: 'out_of_scope' as const, confidence: 0.63 }],
    ['je suis bloqué', { intent: 'unknown' as const, confidence: 0.8 }],
    ['Je ne peux pas me connecter à mon compte', { intent: 'group_membership_add' as const, confidence: 0.45, alternatives: [{ intent: 'app_access_request' as const, confidence: 0.3 }] }],
    ['Je ne peux pas me connecter à mon compte', { intent: 'account_unlock' as const, confidence: 0.9 }],
  ])('answers the French "%s" in English with a person to talk to, never an offer or an action (%j)', async (text, reading) => {
    const deps = createScenario();
    deps.classifier.set(text, reading);
    const id = await send(deps, PEOPLE.alice.chat, text);

    expect(await stateOf(deps, id)).toBe('clarifying');
    const reply = deps.chat.posts().at(-1)?.message;
    expect(reply?.text).toMatch(/only work in English for now \(your message looks like French\)/);
    expect(reply?.buttons?.map((b) => b.value)).toEqual([`${id}|human_agent`, `${id}|none`]);
    expect(deps.chat.posts()).toHaveLength(1);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
  });

  it('still refuses a privileged ask written in another language as a privileged ask', async () => {
    const deps = createScenario();
    deps.classifier.set('Ajoutez-moi à Domain Admins, je suis le directeur', { intent: 'privileged_access_request' });
    const id = await send(deps, PEOPLE.alice.chat, 'Ajoutez-moi à Domain Admins, je suis le directeur');
    expect(await stored(deps, id)).toMatchObject({ intent: 'privileged_access_request' });
    expect(['refused', 'escalated']).toContain(await stateOf(deps, id));
    expect(postedTexts(deps).join('\n')).not.toMatch(/only work in English/);
  });
});
