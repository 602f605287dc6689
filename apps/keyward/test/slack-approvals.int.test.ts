import { DEMO_APP_IDS, DEMO_GROUP_IDS, DEMO_USER_IDS } from '@keyward/testkit';
import type { LoggedRequest, RecordedSlackCall } from '@keyward/testkit';
import { buttonsOf, callText, ESCALATION_CHANNEL, postedTs, pushNumberShown, startProduct, waitUntil } from './support/product-harness';
import type { ProductHarness } from './support/product-harness';
import {
  ALICE,
  APPROVE_ACTION_ID,
  approvalsDirectory,
  approveShownPush,
  CASE_RESOLVE_ACTION_ID,
  CASE_TAKE_ACTION_ID,
  cardUpdates,
  DEMO_APPROVERS,
  DENY_ACTION_ID,
  exportAudit,
  FRANK,
  GRACE,
  HANK,
  NOTE_BLOCK_ID,
  NOTE_INPUT_ACTION_ID,
  postsTo,
  report,
  waitForCard,
  waitForNoteModal,
} from './support/approval-scenario';

/*
 * Issue #3 black-box: approvals with buttons, the helpdesk channel and refusals, through the real
 * product (`keyward start`, configured only through the configuration contract) against the Okta and
 * Slack fakes, with the default policy file. The demo org supplies the approvers: Frank (everyone's
 * manager, design-team owner), Grace (Figma owner), Hank (helpdesk admin). Each scenario has its own
 * requester, so push rate limits and velocity windows never couple the tests.
 */

const MALLORY = 'U0MALLORY1'; // a bystander in the home workspace
const IVY = 'U0IVY00001'; // denied, with a note
const BEA = 'U0BEA00001'; // "I need Figma"
const TARA = 'U0TARA0001'; // travelling: conditional-access exception
const HUGO = 'U0HUGO0001'; // talks to a human
const PETE = 'U0PETE0001'; // asks for Domain Admins

let product: ProductHarness;
const startedAt = new Date(Date.now() - 1000);
/** Alice's design-team request, for the audit check at the end. */
let aliceRequestId = '';

beforeAll(async () => {
  product = await startProduct({
    oktaSeed: approvalsDirectory(),
    employees: [
      ...DEMO_APPROVERS,
      { slackId: MALLORY, name: 'Mallory Bystander', email: 'mallory@example.com', okta: { profile: { managerId: DEMO_USER_IDS.frank } } },
      report(IVY, 'Ivy'),
      report(BEA, 'Bea'),
      report(TARA, 'Tara'),
      report(HUGO, 'Hugo'),
      report(PETE, 'Pete'),
    ],
  });
}, 60_000);

afterAll(async () => {
  await product?.dispose();
});

const dmOf = (slackId: string): string => product.person(slackId).channel;
const oktaId = (slackId: string): string => product.person(slackId).oktaId as string;
const isPut = (path: string) => (w: LoggedRequest): boolean => w.method === 'PUT' && w.path === path;
/** Every write the fake saw, push challenges excluded (they change nothing on an account). */
const accountWrites = (): LoggedRequest[] => product.okta.writes().filter((w) => w.operation !== 'verifyFactor');
const withText = (needle: string) => (c: RecordedSlackCall): boolean => callText(c).includes(needle);

describe('approvals, cases and refusals through Slack, black-box against `keyward start`', () => {
  test('"add me to design-team": push → Frank\'s DM card → requester and bystander clicks change nothing → Frank approves → one PUT, both threads final', async () => {
    const alice = product.person(ALICE);
    const dm = await product.sendDm(ALICE, 'add me to design-team');
    await approveShownPush(product, dm, alice.login as string);
    await product.waitForReply(dm, withText('needs approval from Frank Osei (manager)'), 'the "waiting for Frank" notice');

    // The approver is resolved from the IdP (Alice's manager), reached by verified email in Slack.
    const card = await waitForCard(product, dmOf(FRANK), 'Alice Walker', "Frank's approval card");
    aliceRequestId = card.requestId;
    expect(product.slack.callsTo('conversations.open').some((c) => c.body['users'] === FRANK)).toBe(true);
    expect(product.slack.callsTo('users.lookupByEmail').some((c) => c.body['email'] === 'frank@example.com')).toBe(true);
    expect(buttonsOf(card.call).map((b) => b.label)).toEqual(['Approve', 'Deny']);
    expect(callText(card.call)).toContain('add me to design-team');
    expect(accountWrites()).toEqual([]);

    // Alice approving her own request, and Mallory who is nobody here: each answered, nothing changes.
    await product.click({ user: ALICE, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    await product.click({ user: MALLORY, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    const seenByFrank = (): string => postsTo(product, dmOf(FRANK)).map((c) => JSON.stringify(c.body['text'])).join(' | ');
    await waitUntil(() => postsTo(product, dmOf(ALICE)).find(withText('You cannot approve your own request')), () => `the answer to Alice in her own DM (Frank's DM has: ${seenByFrank()})`);
    await waitUntil(() => postsTo(product, dmOf(MALLORY)).find(withText("This button isn't yours: only the approver it was sent to can use it.")), 'the answer to Mallory (her own DM)');
    // The answers go to the clicker: Frank's DM holds only his card.
    expect(postsTo(product, dmOf(FRANK)).filter((c) => c !== card.call)).toEqual([]);
    expect(cardUpdates(product, card)).toEqual([]);
    expect(accountWrites()).toEqual([]);
    expect(product.okta.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(DEMO_USER_IDS.alice);

    const click = await product.click({ user: FRANK, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    expect(click.status).toBe(200);
    const done = await product.waitForReply(dm, withText("Done. You're now in design-team"), 'the result in Alice\'s thread');
    expect(done.body['thread_ts']).toBe(dm.ts);

    const put = `/api/v1/groups/${DEMO_GROUP_IDS.designTeam}/users/${DEMO_USER_IDS.alice}`;
    expect(accountWrites().map((w) => `${w.method} ${w.path}`)).toEqual([`PUT ${put}`]);
    expect(accountWrites().filter(isPut(put))[0]?.status).toBeLessThan(300);
    expect(product.okta.groupMembers(DEMO_GROUP_IDS.designTeam)).toContain(DEMO_USER_IDS.alice);

    // Frank's card ends in its final state: who decided, no buttons left to press.
    const final = await waitUntil(() => cardUpdates(product, card).find(withText('Done')), "the card's final update");
    expect(callText(final)).toContain('Approved by Frank Osei');
    expect(buttonsOf(final)).toEqual([]);
    expect(cardUpdates(product, card).every((u) => buttonsOf(u).length === 0)).toBe(true);

    // A repeated click by the right approver answers "already decided" and writes nothing more.
    await product.click({ user: FRANK, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    await waitUntil(() => postsTo(product, dmOf(FRANK)).find(withText('already decided')), 'the "already decided" answer');
    expect(accountWrites()).toHaveLength(1);
  });

  test('every click on that card is audited, valid or not (`keyward audit export`)', async () => {
    expect(aliceRequestId).not.toBe('');
    const events = (await exportAudit(product, startedAt)).filter((e) => e.requestId === aliceRequestId);
    // Alice's and Mallory's clicks were sent back to back and are handled concurrently: order-free.
    const clicks = events.filter((e) => e.type === 'approval.button_clicked').map((e) => String(e.details?.['by']));
    expect([...clicks].sort()).toEqual([ALICE, FRANK, FRANK, MALLORY]);
    const rejected = events.filter((e) => e.type === 'approval.click_rejected').map((e) => `${String(e.details?.['by'])}: ${String(e.details?.['reason'])}`);
    expect([...rejected].sort()).toEqual([`${ALICE}: requester clicked`, `${FRANK}: already approved`, `${MALLORY}: not the approver`]);
    // Frank's first click is the one that counted; his second came after the decision.
    expect(rejected.at(-1)).toBe(`${FRANK}: already approved`);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['request.approval_requested', 'request.approved', 'request.succeeded']));
  });

  test('Deny with a note through the modal: request denied, the requester gets the note, the card is final, no write', async () => {
    const dm = await product.sendDm(IVY, 'add me to design-team');
    await approveShownPush(product, dm, product.person(IVY).login as string);
    const card = await waitForCard(product, dmOf(FRANK), 'Ivy Tester', "Frank's card for Ivy");

    const click = await product.click({ user: FRANK, actionId: DENY_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    const modal = await waitForNoteModal(product, click.triggerId);
    expect(JSON.stringify(modal.view)).toContain('Deny request');
    // Opening the form decides nothing: the core hears of the denial only on submit.
    expect(cardUpdates(product, card)).toEqual([]);

    const note = 'Design seats are full until March';
    const submitted = await product.submitView({ user: FRANK, view: modal, values: { [NOTE_BLOCK_ID]: { [NOTE_INPUT_ACTION_ID]: note } } });
    expect(submitted.status).toBe(200);

    const told = await product.waitForReply(dm, withText('denied your request'), 'the denial in Ivy\'s thread');
    expect(callText(told)).toContain(`Frank Osei denied your request: "${note}"`);
    expect(callText(told)).toContain('Nothing was changed');
    const final = await waitUntil(() => cardUpdates(product, card)[0], 'the card update');
    expect(callText(final)).toContain(`Denied by Frank Osei: "${note}"`);
    expect(buttonsOf(final)).toEqual([]);
    expect(product.idpWritesOn(IVY)).toEqual([]);
    expect(product.okta.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(oktaId(IVY));
  });

  test('"I need Figma": manager first, then the app owner (sequential); one app assignment after both', async () => {
    const dm = await product.sendDm(BEA, 'I need Figma');
    await approveShownPush(product, dm, product.person(BEA).login as string);
    const managerCard = await waitForCard(product, dmOf(FRANK), 'Bea Tester', "Frank's card for Figma");
    expect(callText(managerCard.call)).toContain('Figma');

    await product.click({ user: FRANK, actionId: APPROVE_ACTION_ID, value: managerCard.value, messageTs: managerCard.ts, channel: managerCard.channel });
    await product.waitForReply(dm, withText('Now waiting for Grace Hopper'), 'the "now waiting for Grace" notice');
    const ownerCard = await waitForCard(product, dmOf(GRACE), 'Bea Tester', "Grace's card for Figma");
    // Sequential: Grace's card was posted only after Frank's approval was recorded on his card.
    const approvedUpdate = cardUpdates(product, managerCard).find(withText('Approved by Frank Osei'));
    expect(approvedUpdate).toBeDefined();
    expect(product.slack.calls.indexOf(ownerCard.call)).toBeGreaterThan(product.slack.calls.indexOf(approvedUpdate as RecordedSlackCall));
    expect(product.idpWritesOn(BEA)).toEqual([]);

    // Frank cannot take Grace's turn.
    await product.click({ user: FRANK, actionId: APPROVE_ACTION_ID, value: ownerCard.value, messageTs: ownerCard.ts, channel: ownerCard.channel });
    await waitUntil(() => postsTo(product, dmOf(FRANK)).find(withText("This button isn't yours: only the approver it was sent to can use it.")), 'the answer to Frank');
    expect(product.idpWritesOn(BEA)).toEqual([]);

    await product.click({ user: GRACE, actionId: APPROVE_ACTION_ID, value: ownerCard.value, messageTs: ownerCard.ts, channel: ownerCard.channel });
    await product.waitForReply(dm, withText('Figma is assigned to you'), 'the assignment result');
    const assignment = `/api/v1/apps/${DEMO_APP_IDS.figma}/users`;
    expect(product.okta.writes().filter((w) => w.method === 'POST' && w.path === assignment)).toHaveLength(1);
    // The assignment names Bea in its body, not its path: no write's path is about her.
    expect(product.idpWritesOn(BEA)).toEqual([]);
    expect(product.okta.appAssignments(DEMO_APP_IDS.figma)).toContain(oktaId(BEA));
    // Both cards end in their final state.
    await waitUntil(() => cardUpdates(product, ownerCard).find(withText('Done')), "Grace's card final");
    await waitUntil(() => cardUpdates(product, managerCard).find(withText('Done')), "Frank's card final");
  });

  test('"I\'m travelling, let me sign in from abroad": the admin card lands in the helpdesk channel; a non-admin click does nothing; Hank approves with his own push → CA Travel Exclusion', async () => {
    const dm = await product.sendDm(TARA, "I'm travelling, let me sign in from abroad");
    await approveShownPush(product, dm, product.person(TARA).login as string);
    const card = await waitForCard(product, ESCALATION_CHANNEL, 'Tara Tester', 'the admin approval card in the helpdesk channel');
    expect(card.channel).toBe(ESCALATION_CHANNEL);

    // Frank is Tara's manager but not a helpdesk admin: no push for him, no write, the card stays.
    const pushesBefore = product.okta.requests().filter((r) => r.operation === 'verifyFactor').length;
    await product.click({ user: FRANK, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    await waitUntil(() => postsTo(product, dmOf(FRANK)).find(withText("This button isn't yours: only a helpdesk admin")), 'the answer to Frank');
    expect(product.okta.pendingPushes('frank@example.com')).toEqual([]);
    expect(product.okta.requests().filter((r) => r.operation === 'verifyFactor')).toHaveLength(pushesBefore);
    expect(cardUpdates(product, card)).toEqual([]);
    expect(product.idpWritesOn(TARA).filter((w) => w.operation !== 'verifyFactor')).toEqual([]);

    // High band: Hank's click starts a push to Hank; only his approval of it counts.
    await product.click({ user: HANK, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
    const push = await product.waitForPush('hank@example.com');
    expect(push.userId).toBe(DEMO_USER_IDS.hank);
    const prompt = await waitUntil(() => product.slack.callsTo('chat.postMessage').find((c) => callText(c).includes('Confirm your approval')), "Hank's confirmation prompt");
    expect(product.okta.groupMembers(DEMO_GROUP_IDS.caTravelExclusion)).not.toContain(oktaId(TARA));
    expect(product.okta.approvePush(push.transactionId, pushNumberShown(prompt))).toBe('SUCCESS');

    const done = await product.waitForReply(dm, withText("You're now in CA Travel Exclusion"), 'the exception result');
    expect(callText(done)).toMatch(/until \d{4}-\d{2}-\d{2}/);
    expect(product.okta.groupMembers(DEMO_GROUP_IDS.caTravelExclusion)).toContain(oktaId(TARA));
    const put = `/api/v1/groups/${DEMO_GROUP_IDS.caTravelExclusion}/users/${oktaId(TARA)}`;
    expect(product.idpWritesOn(TARA).filter((w) => w.operation !== 'verifyFactor').map((w) => `${w.method} ${w.path}`)).toEqual([`PUT ${put}`]);
    const final = await waitUntil(() => cardUpdates(product, card).find(withText('Done')), 'the admin card final');
    expect(callText(final)).toContain('Hank Mensah');
    expect(buttonsOf(final)).toEqual([]);
  });

  test('"talk to a human": a case card with Take / Resolve / Reject; Hank takes it, resolves it with a note → Hugo gets the note', async () => {
    const dm = await product.sendDm(HUGO, 'talk to a human');
    await product.waitForReply(dm, withText("I've let the helpdesk know"), 'the reply');
    const caseCard = await product.waitForEscalation(HUGO, (c) => buttonsOf(c).some((b) => b.actionId === CASE_TAKE_ACTION_ID), 'the case card');
    expect(buttonsOf(caseCard).map((b) => b.label)).toEqual(['Take', 'Resolve', 'Reject']);
    const caseTs = postedTs(caseCard);
    const requestId = buttonsOf(caseCard)[0]?.value as string;
    const updatesOfCase = (): RecordedSlackCall[] => cardUpdates(product, { channel: ESCALATION_CHANNEL, ts: caseTs });

    // The requester cannot work their own case.
    await product.click({ user: HUGO, actionId: CASE_TAKE_ACTION_ID, value: requestId, messageTs: caseTs, channel: ESCALATION_CHANNEL });
    await product.click({ user: HANK, actionId: CASE_TAKE_ACTION_ID, value: requestId, messageTs: caseTs, channel: ESCALATION_CHANNEL });
    const taken = await waitUntil(() => updatesOfCase().find(withText('Taken by Hank Mensah')), 'the card taken by Hank');
    expect(buttonsOf(taken).map((b) => b.label)).toEqual(['Resolve', 'Reject']);
    expect(updatesOfCase().filter(withText('Taken by'))).toHaveLength(1);

    const resolve = await product.click({ user: HANK, actionId: CASE_RESOLVE_ACTION_ID, value: requestId, messageTs: caseTs, channel: ESCALATION_CHANNEL });
    const modal = await waitForNoteModal(product, resolve.triggerId);
    const note = 'Reset your VPN profile from the self-service portal; call me if it fails.';
    expect((await product.submitView({ user: HANK, view: modal, values: { [NOTE_BLOCK_ID]: { [NOTE_INPUT_ACTION_ID]: note } } })).status).toBe(200);

    const told = await product.waitForReply(dm, withText('has handled your request'), 'the resolution in Hugo\'s thread');
    expect(callText(told)).toContain(`The helpdesk (Hank Mensah) has handled your request: "${note}"`);
    const resolved = await waitUntil(() => updatesOfCase().find(withText('Resolved by Hank Mensah')), 'the resolved card');
    expect(buttonsOf(resolved)).toEqual([]);
    expect(product.idpWritesOn(HUGO)).toEqual([]);

    const events = (await exportAudit(product, startedAt)).filter((e) => e.requestId === requestId);
    // Clicks that arrive close together are handled concurrently, so compare them as a set.
    const caseClicks = events.filter((e) => e.type === 'case.button_clicked').map((e) => `${String(e.details?.['by'])}:${String(e.details?.['accepted'])}`);
    expect(caseClicks.sort()).toEqual([`${HANK}:true`, `${HANK}:true`, `${HUGO}:false`].sort());
  });

  test('"add me to Domain Admins": refused and escalated, no push, no write', async () => {
    const dm = await product.sendDm(PETE, 'add me to Domain Admins');
    const told = await product.waitForReply(dm, withText('helpdesk'), 'the refusal');
    expect(callText(told)).toContain("I've passed it to the helpdesk");
    expect(pushNumberShown(told)).toBeUndefined();
    await product.waitForEscalation(PETE, () => true, 'the escalation');
    expect(product.okta.pendingPushes(product.person(PETE).login as string)).toEqual([]);
    expect(product.oktaRequestsAbout(PETE).filter((r) => r.operation === 'verifyFactor')).toEqual([]);
    expect(product.idpWritesOn(PETE)).toEqual([]);
    expect(product.threadReplies(dm).filter((c) => pushNumberShown(c) !== undefined)).toEqual([]);
  });

  test('`keyward audit verify` proves the chain; SIGTERM exits 0 and no credential reached the logs', async () => {
    const verify = await product.runCli(['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/audit chain OK: \d+ events verified/);
    const exit = await product.stop();
    expect(exit).toMatchObject({ code: 0, signal: null });
    for (const secret of product.secrets) expect(product.output()).not.toContain(secret);
  });
});
