import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_GROUP_IDS } from '@keyward/testkit';
import type { RecordedSlackCall } from '@keyward/testkit';
import { buttonsOf, callText, startProduct, waitUntil } from './support/product-harness';
import type { ProductHarness } from './support/product-harness';
import { APPROVE_ACTION_ID, approvalsDirectory, approveShownPush, cardUpdates, DEMO_APPROVERS, exportAudit, FRANK, postsTo, report, waitForCard } from './support/approval-scenario';

/*
 * Issue #3: approvals expire — a reminder first, then the request expires and the requester is told;
 * every copy of the card ends final; a late click answers "already decided / expired" and changes
 * nothing. Its own product process (one per file) with a policy file whose timers are the shortest the
 * policy schema accepts (0.01 h = 36 s before the reminder), so the wait is real, not simulated.
 */

const EZRA = 'U0EZRA0001';
const REPO_ROOT = path.resolve(__dirname, '../../..');
const REMINDER_HOURS = 0.01;
const EXPIRY_HOURS = 0.0105;

let product: ProductHarness;
let policyDir: string;
const startedAt = new Date(Date.now() - 1000);

beforeAll(async () => {
  // The default policy with only the approval timers changed: same catalogue, same approvers.
  const defaults = readFileSync(path.join(REPO_ROOT, 'packages/policy/policies/default.policy.yaml'), 'utf8');
  const timers = /reminderHours: 24\n(\s*)expiryHours: 72/;
  if (!timers.test(defaults)) throw new Error('the default policy no longer has reminderHours 24 / expiryHours 72; update this test');
  policyDir = mkdtempSync(path.join(tmpdir(), 'keyward-policy-'));
  const policyFile = path.join(policyDir, 'short-timers.policy.yaml');
  writeFileSync(policyFile, defaults.replace(timers, `reminderHours: ${REMINDER_HOURS}\n$1expiryHours: ${EXPIRY_HOURS}`));
  product = await startProduct({ oktaSeed: approvalsDirectory(), employees: [...DEMO_APPROVERS, report(EZRA, 'Ezra')], extraEnv: { POLICY_FILE: policyFile } });
}, 60_000);

afterAll(async () => {
  await product?.dispose();
  if (policyDir) rmSync(policyDir, { recursive: true, force: true });
});

const withText = (needle: string) => (c: RecordedSlackCall): boolean => callText(c).includes(needle);

test('an unanswered approval: reminder to the approver, then expiry; requester told, card final, a late click changes nothing', async () => {
  const dm = await product.sendDm(EZRA, 'add me to design-team');
  await approveShownPush(product, dm, product.person(EZRA).login as string);
  const card = await waitForCard(product, product.person(FRANK).channel, 'Ezra Tester', "Frank's card");
  const postedAt = Date.now();

  const reminder = await waitUntil(() => postsTo(product, card.channel).find(withText('Reminder:')), 'the reminder in Frank\'s DM', 50_000, 200);
  expect(callText(reminder)).toContain("Ezra Tester's request is still waiting for your decision");
  // Not before the policy's reminder time (a small allowance for the card job that ran first).
  expect(Date.now() - postedAt).toBeGreaterThanOrEqual(REMINDER_HOURS * 3_600_000 - 2_000);
  expect(product.threadReplies(dm).filter(withText('expired'))).toEqual([]);

  const told = await product.waitForReply(dm, withText('Your request expired'), 'the expiry notice to Ezra', 15_000);
  expect(callText(told)).toContain('Nothing was changed');
  const final = await waitUntil(() => cardUpdates(product, card).find(withText('Expired')), 'the final card');
  expect(buttonsOf(final)).toEqual([]);
  expect(postsTo(product, card.channel).filter(withText('Reminder:'))).toHaveLength(1);

  await product.click({ user: FRANK, actionId: APPROVE_ACTION_ID, value: card.value, messageTs: card.ts, channel: card.channel });
  const late = await waitUntil(() => postsTo(product, card.channel).find(withText('already decided or has expired')), 'the answer to the late click');
  expect(callText(late)).toContain('Nothing was changed');
  expect(product.idpWritesOn(EZRA)).toEqual([]);
  expect(product.okta.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(product.person(EZRA).oktaId);
  expect(product.threadReplies(dm).filter(withText('Done'))).toEqual([]);

  const events = (await exportAudit(product, startedAt)).filter((e) => e.requestId === card.requestId);
  expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['request.expired', 'approval.button_clicked', 'approval.click_rejected']));
  expect(events.find((e) => e.type === 'approval.click_rejected')?.details?.['reason']).toBe('already expired');
}, 70_000);
