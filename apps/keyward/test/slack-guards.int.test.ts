import { buildMessageChangedEvent, SLACK_FAKE_IDS } from '@keyward/testkit';
import type { RecordedSlackCall } from '@keyward/testkit';
import { callText, ESCALATION_CHANNEL, pushNumberShown, startProduct } from './support/product-harness';
import type { ProductHarness, SentMessage } from './support/product-harness';

/*
 * Issue #2 black-box: what the Slack + Okta path must refuse, deduplicate or merely answer. Every case
 * checks the wire — pushes the Okta fake received, writes it logged, what reached the helpdesk
 * channel — never the product's internals. One `keyward start` serves the file; one employee per test.
 */

const DANA = 'U0DANA0001'; // denies the push
const WENDY = 'U0WENDY001'; // taps the wrong number
const TIM = 'U0TIM00001'; // lets the push time out
const ADA = 'U0ADA00001'; // SUPER_ADMIN
const DUPE = 'U0DUPE0001'; // Slack redelivers her message
const SID = 'U0SID00001'; // forged and stale requests
const NOMAIL = SLACK_FAKE_IDS.noEmail; // F02
const MALLORY = SLACK_FAKE_IDS.partner; // F19b, Slack Connect
const TWIN = 'U0TWIN0001'; // F08, two Okta users share her email
const LENA = 'U0LENA0001'; // F08, login ≠ email
const EDDIE = 'U0EDDIE001'; // F01, edits his message
const NINA = 'U0NINA0001'; // F20
const GAIL = 'U0GAIL0001'; // small talk

let product: ProductHarness;

beforeAll(async () => {
  product = await startProduct({
    employees: [
      { slackId: DANA, name: 'dana' },
      { slackId: WENDY, name: 'wendy' },
      { slackId: TIM, name: 'tim' },
      { slackId: ADA, name: 'ada', okta: { roles: ['SUPER_ADMIN'] } },
      { slackId: DUPE, name: 'dupe' },
      { slackId: SID, name: 'sid' },
      // In Okta as nomail@example.com: a fallback to the display name "nomail" would find her.
      { slackId: NOMAIL, name: 'nomail', email: null },
      // In Okta with the very email Slack reports: only the foreign team may stop the request.
      { slackId: MALLORY, name: 'mallory', email: 'mallory@partner.example', teamId: SLACK_FAKE_IDS.partnerTeamId },
      { slackId: TWIN, name: 'twin' },
      { slackId: LENA, name: 'lena', okta: { login: 'lena.k@corp.example', sessions: 2 } },
      { slackId: EDDIE, name: 'eddie' },
      { slackId: NINA, name: 'nina' },
      { slackId: GAIL, name: 'gail' },
    ],
    extraOktaUsers: [
      { login: 'twin.other@example.com', email: 'twin@example.com', firstName: 'Other', lastName: 'Twin', factors: [{ factorType: 'push' }] },
      // Lena's email as somebody else's login: a lookup by login instead of by email would pick this one.
      { login: 'lena@example.com', email: 'lena.decoy@example.com', firstName: 'Decoy', lastName: 'Lena', sessions: 5, factors: [{ factorType: 'push' }] },
    ],
  });
}, 60_000);

afterAll(async () => {
  await product?.dispose();
});

const pushesSentTo = (slackId: string): number => product.oktaRequestsAbout(slackId).filter((r) => r.operation === 'verifyFactor').length;
const isPrompt = (c: RecordedSlackCall): boolean => pushNumberShown(c) !== undefined;
const waitForPrompt = (sent: SentMessage): Promise<RecordedSlackCall> => product.waitForReply(sent, isPrompt, 'the push prompt');

/** Number of requests the product lists for this user: the status answer has one bullet per request. */
async function requestsListed(slackId: string): Promise<number> {
  const dm = await product.sendDm(slackId, 'status of my request');
  const reply = await product.waitForReply(dm, (c) => /recent requests|any requests/.test(callText(c)), 'the status answer');
  const text = typeof reply.body['text'] === 'string' ? reply.body['text'] : '';
  return text.split('\n').filter((line) => line.startsWith('•')).length;
}

describe('Slack DM → Okta: refusals, identity, redelivery and conversation, black-box against `keyward start`', () => {
  describe('step-up that fails changes nothing and reaches the helpdesk', () => {
    test('a denied push: no write, the user is told, a critical escalation', async () => {
      const dm = await product.sendDm(DANA, 'reset my password');
      await waitForPrompt(dm);
      const push = await product.waitForPush('dana@example.com');
      expect(product.okta.denyPush(push.transactionId)).toBe('REJECTED');
      const told = await product.waitForReply(dm, (c) => callText(c).includes('a different number was tapped'), 'the denial reply');
      expect(callText(told)).toContain("didn't change anything");
      const escalation = await product.waitForEscalation(DANA, (c) => callText(c).includes('push was denied'), 'the security escalation');
      expect(callText(escalation)).toContain('CRITICAL');
      expect(product.idpWritesOn(DANA)).toEqual([]);
    });

    test('the wrong number tapped: no write, the user is told, an escalation', async () => {
      const dm = await product.sendDm(WENDY, 'I forgot my password');
      const prompt = await waitForPrompt(dm);
      const push = await product.waitForPush('wendy@example.com');
      const wrong = (push.choices ?? []).find((n) => n !== pushNumberShown(prompt));
      expect(wrong).toBeDefined();
      expect(product.okta.approvePush(push.transactionId, wrong)).toBe('REJECTED');
      await product.waitForReply(dm, (c) => callText(c).includes('a different number was tapped'), 'the denial reply');
      await product.waitForEscalation(WENDY, (c) => callText(c).includes('wrong number'), 'the security escalation');
      expect(product.idpWritesOn(WENDY)).toEqual([]);
    });

    test('a timed-out push: no write, the user is told, an escalation', async () => {
      const dm = await product.sendDm(TIM, "I'm locked out");
      await waitForPrompt(dm);
      const push = await product.waitForPush('tim@example.com');
      expect(product.okta.timeoutPush(push.transactionId)).toBe('TIMEOUT');
      await product.waitForReply(dm, (c) => callText(c).includes('expired before it was approved'), 'the timeout reply');
      await product.waitForEscalation(TIM, (c) => callText(c).includes('expired without an answer'), 'the escalation');
      expect(product.idpWritesOn(TIM)).toEqual([]);
    });
  });

  test('an admin-role target: refused before any push, no write, escalated, told politely', async () => {
    const dm = await product.sendDm(ADA, 'reset my password');
    const told = await product.waitForReply(dm, (c) => callText(c).includes('helpdesk'), 'the refusal');
    expect(isPrompt(told)).toBe(false);
    expect(callText(told)).toContain("I've passed it to the helpdesk");
    await product.waitForEscalation(ADA, (c) => /Refused by policy/.test(callText(c)), 'the escalation');
    // The policy decided on facts it read (roles), then stopped: no push transaction, no write.
    expect(product.oktaRequestsAbout(ADA).some((r) => r.operation === 'listAssignedRolesForUser')).toBe(true);
    expect(pushesSentTo(ADA)).toBe(0);
    expect(product.okta.pendingPushes('ada@example.com')).toEqual([]);
    expect(product.idpWritesOn(ADA)).toEqual([]);
    expect(product.threadReplies(dm).filter(isPrompt)).toEqual([]);
  });

  test('the same event delivered again with X-Slack-Retry-Num: 1 is one request: one push, one prompt', async () => {
    const dm = await product.sendDm(DUPE, 'I forgot my password');
    // Slack's redelivery: same body, same event_id, freshly signed, retry headers set.
    const retry = await product.deliverEvent(dm.envelope, { retryNum: 1, retryReason: 'http_timeout' });
    expect([dm.status, retry.status]).toEqual([200, 200]);
    await waitForPrompt(dm);
    expect(await requestsListed(DUPE)).toBe(1);
    expect(pushesSentTo(DUPE)).toBe(1);
    expect(product.threadReplies(dm).filter(isPrompt)).toHaveLength(1);

    const push = await product.waitForPush('dupe@example.com');
    product.okta.timeoutPush(push.transactionId);
    await product.waitForReply(dm, (c) => callText(c).includes('expired'), 'the timeout reply');
  });

  test('a bad signature and a stale (6-minute-old) timestamp get 401 and create no request', async () => {
    const forged = await product.sendDm(SID, 'I forgot my password', { signing: { signatureOverride: `v0=${'0'.repeat(64)}` } });
    expect(forged.status).toBe(401);
    const stale = await product.sendDm(SID, 'I forgot my password', { signing: { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 } });
    expect(stale.status).toBe(401);
    const unsigned = await product.sendDm(SID, 'I forgot my password', { signing: { signatureOverride: null, timestampOverride: null } });
    expect(unsigned.status).toBe(401);

    // A valid message afterwards proves nothing was persisted from the three above.
    expect(await requestsListed(SID)).toBe(0);
    expect(product.threadReplies(forged)).toEqual([]);
    expect(product.threadReplies(stale)).toEqual([]);
    expect(pushesSentTo(SID)).toBe(0);
  });

  describe('identity: Slack user → exactly one Okta user, or nothing', () => {
    test('F02: no email on the Slack profile → polite reply and escalation, no IdP call, no display-name fallback', async () => {
      const dm = await product.sendDm(NOMAIL, 'reset my password');
      const told = await product.waitForReply(dm, (c) => callText(c).includes("couldn't confirm who you are"), 'the polite refusal');
      expect(isPrompt(told)).toBe(false);
      await product.waitForEscalation(NOMAIL, (c) => callText(c).includes('no verified email'), 'the escalation');
      expect(product.oktaRequestsAbout(NOMAIL)).toEqual([]);
      expect(product.okta.requests().filter((r) => r.operation === 'listUsers' && /nomail/i.test(decodeURIComponent(r.path)))).toEqual([]);
    });

    test('F19b: a Slack Connect user from another organisation is refused, even with a matching Okta email', async () => {
      const dm = await product.sendDm(MALLORY, "I'm locked out", { userTeam: SLACK_FAKE_IDS.partnerTeamId });
      await product.waitForReply(dm, (c) => callText(c).includes('only help people from this organisation'), 'the refusal');
      await product.waitForEscalation(MALLORY, (c) => callText(c).includes('another organisation'), 'the escalation');
      expect(product.oktaRequestsAbout(MALLORY)).toEqual([]);
    });

    test('F08: an email shared by two Okta users → refused and escalated, no push to either', async () => {
      const dm = await product.sendDm(TWIN, 'reset my password');
      await product.waitForReply(dm, (c) => callText(c).includes("couldn't find exactly one company account"), 'the refusal');
      await product.waitForEscalation(TWIN, (c) => callText(c).includes('2 IdP users share the email'), 'the escalation');
      const twins = ['twin@example.com', 'twin.other@example.com'].map((login) => product.okta.user(login)?.id as string);
      const touched = product.okta.requests().filter((r) => twins.some((id) => r.path.includes(id)));
      expect(touched).toEqual([]);
    });

    test('F08: one Okta user whose login differs from the email → that user is verified and acted on, nobody else', async () => {
      const lena = product.okta.user('lena.k@corp.example');
      const decoy = product.okta.user('lena@example.com');
      const dm = await product.sendDm(LENA, 'sign me out everywhere');
      const prompt = await waitForPrompt(dm);
      const push = await product.waitForPush('lena.k@corp.example');
      expect(push.userId).toBe(lena?.id);
      expect(product.okta.pendingPushes('lena@example.com')).toEqual([]);
      product.okta.approvePush(push.transactionId, pushNumberShown(prompt));
      await product.waitForReply(dm, (c) => callText(c).includes('signed out on every device'), 'the result');
      expect(product.okta.user('lena.k@corp.example')?.sessions).toBe(0);
      expect(product.okta.user('lena@example.com')?.sessions).toBe(5);
      expect(product.okta.writes().filter((w) => w.path.includes(decoy?.id as string))).toEqual([]);
      expect(product.okta.writes().filter((w) => w.path.includes(lena?.id as string)).map((w) => w.operation)).toEqual(['verifyFactor', 'revokeUserSessions']);
    });
  });

  test('F01: editing a reset request posts a notice in the thread and starts no second request or push', async () => {
    const dm = await product.sendDm(EDDIE, 'I forgot my password');
    await waitForPrompt(dm);
    const edit = buildMessageChangedEvent({ user: EDDIE, originalTs: dm.ts, previousText: 'I forgot my password', newText: "I forgot my password, and I'm locked out" });
    expect((await product.deliverEvent(edit)).status).toBe(200);
    await product.waitForReply(dm, (c) => callText(c).includes('edits don'), 'the edit notice');
    expect(await requestsListed(EDDIE)).toBe(1);
    expect(pushesSentTo(EDDIE)).toBe(1);
    expect(product.threadReplies(dm).filter(isPrompt)).toHaveLength(1);

    const push = await product.waitForPush('eddie@example.com');
    product.okta.timeoutPush(push.transactionId);
    await product.waitForReply(dm, (c) => callText(c).includes('expired'), 'the timeout reply');
    expect(product.idpWritesOn(EDDIE)).toEqual([]);
  });

  describe('F20: negations and off-topic text start nothing', () => {
    test('"I don\'t need a reset, just tell me how to change it myself" → how-to guidance, no push', async () => {
      const dm = await product.sendDm(NINA, "I don't need a reset, just tell me how to change it myself");
      const reply = await product.waitForReply(dm, () => true, 'a reply');
      expect(callText(reply)).toContain("I won't reset anything");
      expect(callText(reply)).toContain('Change password');
      expect(pushesSentTo(NINA)).toBe(0);
    });

    test('"what\'s for lunch?" → a fallback or a clarification, no push', async () => {
      const dm = await product.sendDm(NINA, "what's for lunch?");
      const reply = await product.waitForReply(dm, () => true, 'a reply');
      expect(callText(reply)).toMatch(/outside what I can help with|didn't understand|Did you mean/);
      expect(isPrompt(reply)).toBe(false);
      expect(pushesSentTo(NINA)).toBe(0);
      expect(product.idpWritesOn(NINA)).toEqual([]);
    });
  });

  describe('conversation: sensible answers in the same thread', () => {
    test('a greeting is answered with what the bot can do', async () => {
      const dm = await product.sendDm(GAIL, 'hi');
      const reply = await product.waitForReply(dm, () => true, 'the greeting');
      expect(callText(reply)).toContain("I'm the identity helpdesk bot");
    });

    test('"help" lists what the bot can do', async () => {
      const dm = await product.sendDm(GAIL, 'help');
      const reply = await product.waitForReply(dm, () => true, 'the help text');
      expect(callText(reply)).toContain('Here is what I can do for you');
    });

    test('"talk to a human" tells the user and posts to the helpdesk channel', async () => {
      const dm = await product.sendDm(GAIL, 'talk to a human');
      await product.waitForReply(dm, (c) => callText(c).includes("I've let the helpdesk know"), 'the reply');
      const escalation = await product.waitForEscalation(GAIL, (c) => callText(c).includes('asked to talk to a person'), 'the escalation');
      expect(escalation.body['channel']).toBe(ESCALATION_CHANNEL);
    });

    test('"status of my request" lists the earlier requests', async () => {
      expect(await requestsListed(GAIL)).toBe(3);
      expect(pushesSentTo(GAIL)).toBe(0);
    });
  });

  test('SIGTERM stops the product promptly with exit code 0; no credential reached its logs', async () => {
    const exit = await product.stop();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    for (const secret of product.secrets) expect(product.output()).not.toContain(secret);
  });
});
