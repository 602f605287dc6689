import { DEMO_GROUP_IDS, DEMO_USER_IDS, demoDirectory } from '@keyward/testkit';
import type { OktaSeed, RecordedSlackCall } from '@keyward/testkit';
import { buttonsOf, callText, postedTs, pushNumberShown, waitUntil } from './product-harness';
import type { EmployeeSpec, ProductHarness, SentMessage } from './product-harness';

/*
 * Shared by the issue #3 black-box tests (approvals, cases, refusals through `keyward start`): the
 * demo org's approvers as Slack users, and readers for approval cards as the product posts them.
 */

export const APPROVE_ACTION_ID = 'keyward.approve';
export const DENY_ACTION_ID = 'keyward.deny';
export const CASE_TAKE_ACTION_ID = 'keyward.case_take';
export const CASE_RESOLVE_ACTION_ID = 'keyward.case_resolve';
/** The note modal's input, as chat-slack builds it (block id / action id Slack echoes on submit). */
export const NOTE_BLOCK_ID = 'keyward.note';
export const NOTE_INPUT_ACTION_ID = 'note';

/** Slack ids of the demo org's approvers; Alice keeps the Slack fake's seeded id (same email). */
export const ALICE = 'U0ALICE001';
export const FRANK = 'U0FRANK001';
export const GRACE = 'U0GRACE001';
export const HANK = 'U0HANK0001';

/**
 * The demo directory with one change: Alice is not yet in design-team, so "add me to design-team"
 * must end in a real PUT (in the demo she is a member already, and the product would rightly say so).
 */
export function approvalsDirectory(): OktaSeed {
  const seed = structuredClone(demoDirectory);
  for (const user of seed.users ?? []) {
    if (user.id === DEMO_USER_IDS.alice) user.groups = (user.groups ?? []).filter((g) => g !== DEMO_GROUP_IDS.designTeam);
  }
  return seed;
}

/** The approvers of the default policy as Slack users, with the emails the Okta demo users have. */
export const DEMO_APPROVERS: EmployeeSpec[] = [
  { slackId: ALICE, name: 'Alice Walker', email: 'alice@example.com', oktaLogin: 'alice.walker@example.com' },
  { slackId: FRANK, name: 'Frank Osei', email: 'frank@example.com', oktaLogin: 'frank@example.com' },
  { slackId: GRACE, name: 'Grace Hopper', email: 'grace@example.com', oktaLogin: 'grace@example.com' },
  { slackId: HANK, name: 'Hank Mensah', email: 'hank@example.com', oktaLogin: 'hank@example.com' },
];

/** Another of Frank's reports: their own push bucket and velocity window, so tests stay independent. */
export function report(slackId: string, first: string): EmployeeSpec {
  const email = `${first.toLowerCase()}@example.com`;
  return {
    slackId,
    // The Slack display name is what cards show ("Ivy Tester asks: …").
    name: `${first} Tester`,
    email,
    okta: { login: email, email, firstName: first, lastName: 'Tester', profile: { managerId: DEMO_USER_IDS.frank, employeeType: 'Employee', title: 'Designer' } },
  };
}

export interface Card {
  call: RecordedSlackCall;
  channel: string;
  ts: string;
  requestId: string;
  /** `${requestId}|${approvalId}`: what the Approve / Deny buttons carry. */
  value: string;
}

function cardOf(call: RecordedSlackCall): Card | undefined {
  const approve = buttonsOf(call).find((b) => b.actionId === APPROVE_ACTION_ID);
  if (approve === undefined) return undefined;
  const [requestId] = approve.value.split('|');
  return { call, channel: String(call.body['channel']), ts: postedTs(call), requestId: requestId ?? '', value: approve.value };
}

/** Bot posts into a channel outside any thread the user started (approver DMs, the helpdesk channel). */
export function postsTo(product: ProductHarness, channel: string): RecordedSlackCall[] {
  return product.slack.callsTo('chat.postMessage').filter((c) => c.response['ok'] === true && c.body['channel'] === channel);
}

/** The approval card about `requesterName` that reached `channel` (an approver's DM or the helpdesk channel). */
export function waitForCard(product: ProductHarness, channel: string, requesterName: string, what: string, timeoutMs = 10_000): Promise<Card> {
  return waitUntil(
    () => postsTo(product, channel).map(cardOf).find((c): c is Card => c !== undefined && callText(c.call).includes(`${requesterName} asks`)),
    () => `${what} (posts to ${channel} so far: ${postsTo(product, channel).map((c) => JSON.stringify(c.body['text'])).join(' | ')})`,
    timeoutMs,
  );
}

/** Every chat.update of that card, oldest first. */
export function cardUpdates(product: ProductHarness, card: { channel: string; ts: string }): RecordedSlackCall[] {
  return product.slack.callsTo('chat.update').filter((c) => c.response['ok'] === true && c.body['channel'] === card.channel && c.body['ts'] === card.ts);
}

/** Answers the requester's push with the number the bot showed in the thread. */
export async function approveShownPush(product: ProductHarness, sent: SentMessage, login: string): Promise<void> {
  const prompt = await product.waitForReply(sent, (c) => pushNumberShown(c) !== undefined, 'the push prompt');
  const pending = await product.waitForPush(login);
  expect(product.okta.approvePush(pending.transactionId, pushNumberShown(prompt))).toBe('SUCCESS');
}

/** The note modal views.open opened for this click (matched by the click's trigger_id). */
export async function waitForNoteModal(product: ProductHarness, triggerId: string): Promise<{ id: string; hash: string; view: Record<string, unknown> }> {
  const opened = await waitUntil(() => [...product.slack.views.values()].find((v) => v.triggerId === triggerId), 'the note modal (views.open)');
  return { id: opened.id, hash: opened.hash, view: opened.view };
}

export interface ExportedAuditEvent {
  seq: number;
  requestId: string;
  type: string;
  details?: Record<string, unknown>;
}

/** The audit log as an auditor reads it: `keyward audit export` over the same database. */
export async function exportAudit(product: ProductHarness, since: Date): Promise<ExportedAuditEvent[]> {
  const until = new Date(Date.now() + 60 * 60 * 1000);
  const result = await product.runCli(['audit', 'export', '--since', since.toISOString(), '--until', until.toISOString()]);
  if (result.code !== 0) throw new Error(`audit export failed (${result.code}): ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as ExportedAuditEvent);
}
