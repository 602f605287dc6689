import type { RecordedSlackCall } from '@keyward/testkit';
import { buttonsOf, callText, ESCALATION_CHANNEL, postedTs, pushNumberShown, REVEAL_ACTION_ID, startProduct, waitUntil } from './support/product-harness';
import type { ProductHarness, SentMessage } from './support/product-harness';

/*
 * Issue #2, "Tests that must exist": the self-service happy paths of the Slack + Okta walking skeleton,
 * driven black-box. One `keyward start` child process serves every test in this file; each test uses
 * its own employee (and so its own DM channel, Okta user and push rate-limit bucket).
 */

const RITA = 'U0RITA0001'; // password reset
const LUKE = 'U0LUKE0001'; // locked out, twice
const SAM = 'U0SAM00001'; // sign out everywhere
const CORA = 'U0CORA0001'; // "someone has my password"
const LOLA = 'U0LOLA0001'; // locked out while Okta rate-limits the unlock (F06)

let product: ProductHarness;
/** The one-time link the reveal showed; every later check makes sure it went nowhere else. */
let revealedLink: string | undefined;

beforeAll(async () => {
  product = await startProduct({
    employees: [
      { slackId: RITA, name: 'rita' },
      { slackId: LUKE, name: 'luke', okta: { status: 'LOCKED_OUT' } },
      { slackId: SAM, name: 'sam', okta: { sessions: 3 } },
      { slackId: CORA, name: 'cora', okta: { sessions: 2 } },
      { slackId: LOLA, name: 'lola', okta: { status: 'LOCKED_OUT' } },
    ],
  });
}, 60_000);

afterAll(async () => {
  await product?.dispose();
});

/** Waits for the push prompt in the DM's thread and answers the push on the fake's phone with the shown number. */
async function approveShownPush(sent: SentMessage, slackId: string): Promise<{ prompt: RecordedSlackCall; shown: number }> {
  const prompt = await product.waitForReply(sent, (c) => pushNumberShown(c) !== undefined, 'the push prompt');
  const shown = pushNumberShown(prompt) as number;
  const login = product.person(slackId).login as string;
  const pending = product.okta.pendingPushes(login);
  expect(pending).toHaveLength(1);
  expect(product.okta.approvePush((pending[0] as { transactionId: string }).transactionId, shown)).toBe('SUCCESS');
  return { prompt, shown };
}

const views = (): RecordedSlackCall[] => product.slack.callsTo('views.open');

describe('Slack DM → Okta self-service, black-box against `keyward start`', () => {
  test('"I forgot my password": push number in the same thread, one reset write, link only in a views.open modal, once', async () => {
    const dm = await product.sendDm(RITA, 'I forgot my password');
    expect(dm.status).toBe(200);

    const prompt = await product.waitForReply(dm, (c) => pushNumberShown(c) !== undefined, 'the push prompt');
    expect(prompt.body['thread_ts']).toBe(dm.ts);
    const shown = pushNumberShown(prompt) as number;
    expect(callText(prompt)).toContain(`Tap ${shown}`);
    // The number the user is told to tap is the one Okta Verify will accept.
    const pending = product.okta.pendingPushes('rita@example.com');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.correctAnswer).toBe(shown);
    expect(product.idpWritesOn(RITA)).toHaveLength(0);

    expect(product.okta.approvePush(pending[0]?.transactionId as string, shown)).toBe('SUCCESS');
    const done = await product.waitForReply(dm, (c) => buttonsOf(c).some((b) => b.actionId === REVEAL_ACTION_ID), 'the "Show my reset link" button');
    expect(callText(done)).toContain('Done');
    const reveal = buttonsOf(done).find((b) => b.actionId === REVEAL_ACTION_ID);
    expect(reveal?.label).toBe('Show my reset link');

    const writes = product.idpWritesOn(RITA);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.operation).toBe('generateResetPasswordToken');
    expect(writes[0]?.path).toMatch(/\/lifecycle\/reset_password\?(.*&)?sendEmail=false(&|$)/);

    // Every reply of this request stayed in the DM's thread; nothing was posted at the channel's top level.
    const toRitaOutsideThread = product.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body['channel'] === product.person(RITA).channel && c.body['thread_ts'] !== dm.ts);
    expect(toRitaOutsideThread).toHaveLength(0);

    const viewsBefore = views().length;
    const first = await product.click({ user: RITA, actionId: REVEAL_ACTION_ID, value: reveal?.value as string, messageTs: postedTs(done), threadTs: dm.ts });
    expect(first.status).toBe(200);
    const opened = await waitUntil(() => views().slice(viewsBefore).find((c) => c.body['trigger_id'] === first.triggerId), 'views.open for the first click');
    expect(opened.response['ok']).toBe(true);
    const link = new RegExp(`${escapeRegExp(product.okta.url)}/signin/reset-password/[A-Za-z0-9_-]+`).exec(JSON.stringify(opened.body['view']))?.[0];
    expect(link).toBeDefined();
    revealedLink = link;

    // The link travelled only in that one views.open: not in any message, update or log line.
    const elsewhere = product.slack.calls.filter((c) => c !== opened && JSON.stringify(c.body).includes('/signin/reset-password/'));
    expect(elsewhere).toEqual([]);
    expect(product.output()).not.toContain('/signin/reset-password/');

    const second = await product.click({ user: RITA, actionId: REVEAL_ACTION_ID, value: reveal?.value as string, messageTs: postedTs(done), threadTs: dm.ts });
    expect(second.status).toBe(200);
    const reopened = await waitUntil(() => views().find((c) => c.body['trigger_id'] === second.triggerId), 'views.open for the second click');
    expect(JSON.stringify(reopened.body['view'])).not.toContain('/signin/reset-password/');
    expect(JSON.stringify(reopened.body['view'])).toMatch(/already opened|expired/);
    expect(views().filter((c) => JSON.stringify(c.body).includes(link as string))).toHaveLength(1);
    expect(product.idpWritesOn(RITA)).toHaveLength(1);
  });

  test('"I\'m locked out" unlocks once; a second real lockout later gets a second unlock (dedup never swallows a repeat)', async () => {
    const login = product.person(LUKE).login as string;
    expect(product.okta.user(login)?.status).toBe('LOCKED_OUT');

    const first = await product.sendDm(LUKE, "I'm locked out");
    await approveShownPush(first, LUKE);
    await product.waitForReply(first, (c) => callText(c).includes('Your account is unlocked'), 'the unlock result');
    expect(product.okta.user(login)?.status).toBe('ACTIVE');
    expect(product.idpWritesOn(LUKE).map((w) => w.operation)).toEqual(['unlockUser']);

    // Too many bad passwords again, out of band; the same words in a new message are a new request.
    product.okta.lockOut(login);
    const again = await product.sendDm(LUKE, "I'm locked out");
    expect(again.eventId).not.toBe(first.eventId);
    await approveShownPush(again, LUKE);
    await product.waitForReply(again, (c) => callText(c).includes('Your account is unlocked'), 'the second unlock result');
    expect(product.okta.user(login)?.status).toBe('ACTIVE');
    expect(product.idpWritesOn(LUKE).map((w) => w.operation)).toEqual(['unlockUser', 'unlockUser']);
    expect(product.idpWritesOn(LUKE).every((w) => w.status === 200)).toBe(true);
  });

  test('"sign me out everywhere" clears every session with one write and alerts nobody', async () => {
    const login = product.person(SAM).login as string;
    expect(product.okta.user(login)?.sessions).toBe(3);
    const dm = await product.sendDm(SAM, 'sign me out everywhere');
    await approveShownPush(dm, SAM);
    const result = await product.waitForReply(dm, (c) => callText(c).includes('signed out on every device'), 'the sign-out result');
    expect(callText(result)).not.toContain('security team');
    expect(product.okta.user(login)?.sessions).toBe(0);
    expect(product.idpWritesOn(SAM).map((w) => w.operation)).toEqual(['revokeUserSessions']);
    expect(product.escalationsFor(SAM)).toHaveLength(0);
  });

  test('"I think someone has my password" clears sessions and tells the helpdesk channel', async () => {
    const login = product.person(CORA).login as string;
    const dm = await product.sendDm(CORA, 'I think someone has my password');
    await approveShownPush(dm, CORA);
    await product.waitForReply(dm, (c) => callText(c).includes('signed out on every device'), 'the sign-out result');
    expect(product.okta.user(login)?.sessions).toBe(0);
    expect(product.idpWritesOn(CORA).map((w) => w.operation)).toEqual(['revokeUserSessions']);
    const escalation = await product.waitForEscalation(CORA, (c) => callText(c).includes('someone else has their password'), 'the compromise alert');
    expect(escalation.body['channel']).toBe(ESCALATION_CHANNEL);
  });

  test('F06: a 429 with X-Rate-Limit-Reset on the unlock → the user hears it is delayed; one unlock, not before the reset', async () => {
    const login = product.person(LOLA).login as string;
    product.okta.injectFault({ operation: 'unlockUser', kind: 'rate_limit', resetInSeconds: 2 });
    const dm = await product.sendDm(LOLA, "I'm locked out");
    await approveShownPush(dm, LOLA);

    const delayed = await product.waitForReply(dm, (c) => callText(c).includes('will retry automatically'), 'the "delayed" notice');
    const done = await product.waitForReply(dm, (c) => callText(c).includes('Your account is unlocked'), 'the unlock after the reset', 20_000);
    expect(product.threadReplies(dm).indexOf(delayed)).toBeLessThan(product.threadReplies(dm).indexOf(done));
    expect(product.okta.user(login)?.status).toBe('ACTIVE');

    const unlocks = product.idpWritesOn(LOLA);
    expect(unlocks.map((w) => [w.operation, w.status])).toEqual([
      ['unlockUser', 429],
      ['unlockUser', 200],
    ]);
    const limitedAt = Date.parse(unlocks[0]?.at as string);
    // The fake sets X-Rate-Limit-Reset = ceil(now s) + 2 when it answers (logged within a few ms):
    // this is a lower bound of that instant, exact unless the fake took over 50 ms to answer.
    const resetAt = (Math.ceil((limitedAt - 50) / 1000) + 2) * 1000;
    expect(Date.parse(unlocks[1]?.at as string)).toBeGreaterThanOrEqual(resetAt);
    expect(product.threadReplies(dm).filter((c) => callText(c).includes('will retry automatically'))).toHaveLength(1);
  });

  test('"status of my request" lists the earlier requests', async () => {
    const dm = await product.sendDm(RITA, 'status of my request');
    const reply = await product.waitForReply(dm, (c) => callText(c).includes('Your recent requests'), 'the status list');
    expect(callText(reply)).toContain('Reset your password');
    expect(product.okta.pendingPushes('rita@example.com')).toHaveLength(0);
  });

  test('`keyward audit verify` on the same database proves the chain of everything above', async () => {
    const result = await product.runCli(['audit', 'verify']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const count = Number(/audit chain OK: (\d+) events verified/.exec(result.stdout)?.[1]);
    // Six requests that went through push and execution leave far more than one event each.
    expect(count).toBeGreaterThanOrEqual(30);
  });

  test('SIGTERM stops the product promptly with exit code 0, and no secret ever reached its logs', async () => {
    const exit = await product.stop();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    const output = product.output();
    for (const secret of product.secrets) expect(output).not.toContain(secret);
    expect(revealedLink).toBeDefined();
    expect(output).not.toContain(revealedLink as string);
    expect(output).not.toContain('/signin/reset-password/');
  });
});

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
