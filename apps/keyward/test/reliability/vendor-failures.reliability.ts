import { callText } from '../support/product-harness';
import { approveShownPush, startCluster, waitUntil } from './support/cluster';
import type { Cluster, KeywardProcess } from './support/cluster';

/*
 * Issue #7 / F06: the IdP and the chat platform misbehave while a request runs, in separate gateway
 * and worker processes. Okta: a storm of 429s with X-Rate-Limit-Reset, a 500 and a connection reset
 * on the same unlock → bounded retries, none before the server's reset, the user told it is slow,
 * one applied write. Slack: chat.postMessage fails (rate limited, then HTTP 500) exactly when the
 * result is posted → retried through the notification queue, the result arrives exactly once.
 */

const STORM = 'U0STORM001';
const CHATFAIL = 'U0CHATF001';

let cluster: Cluster;
let gateway: KeywardProcess;

beforeAll(async () => {
  cluster = await startCluster({ employees: [STORM, CHATFAIL].map((slackId, i) => ({ slackId, name: `vendor${i}`, okta: { status: 'LOCKED_OUT' as const } })) });
  gateway = await cluster.start('gateway');
  await cluster.start('worker');
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
});

test('429 storm + 500 + connection reset on the unlock: bounded retries after each reset, user told once, one write', async () => {
  cluster.okta.injectFault({ operation: 'unlockUser', kind: 'rate_limit', resetInSeconds: 2, times: 2 });
  cluster.okta.injectFault({ operation: 'unlockUser', kind: 'server_error', times: 1 });
  const dm = cluster.dmEnvelope(STORM, "I'm locked out");
  expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
  await approveShownPush(cluster, STORM, dm.channel, dm.ts);
  // The reset fault is added once the first 429 has been served, so it lands on a later attempt.
  await waitUntil(() => cluster.writesReceived(STORM).length >= 1, 'the first unlock attempt', 20_000);
  cluster.okta.injectFault({ operation: 'unlockUser', kind: 'reset', times: 1 });
  await waitUntil(() => cluster.threadReplies(dm.channel, dm.ts).find((c) => callText(c).includes('Your account is unlocked')), 'the unlock after the storm', 60_000);

  const attempts = cluster.writesReceived(STORM);
  expect(attempts.map((a) => a.status)).toEqual([429, 429, 500, 0, 200]);
  expect(attempts.length).toBeLessThanOrEqual(8); // JOB_POLICY.attempts: bounded
  // Never before the server's reset: the fake set reset = ceil(now s) + 2 at each 429.
  for (const i of [0, 1]) {
    const limitedAt = Date.parse(attempts[i]?.at as string);
    expect(Date.parse(attempts[i + 1]?.at as string)).toBeGreaterThanOrEqual((Math.ceil((limitedAt - 50) / 1000) + 2) * 1000);
  }
  const thread = cluster.threadReplies(dm.channel, dm.ts).map(callText);
  expect(thread.filter((t) => t.includes('will retry automatically'))).toHaveLength(1);
  expect(thread.filter((t) => t.includes('Your account is unlocked'))).toHaveLength(1);
  expect(cluster.appliedWrites(STORM)).toHaveLength(1);
});

test('Slack fails to take the result (ratelimited, then HTTP 500): retried, delivered exactly once', async () => {
  const dm = cluster.dmEnvelope(CHATFAIL, "I'm locked out");
  expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
  await approveShownPush(cluster, CHATFAIL, dm.channel, dm.ts);
  // The next posts fail: the first is the result (nothing else is running now).
  cluster.slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 }, 1);
  cluster.slack.failNext('chat.postMessage', { kind: 'http', status: 500 }, 1);
  await waitUntil(() => cluster.threadReplies(dm.channel, dm.ts).find((c) => callText(c).includes('Your account is unlocked')), 'the result despite Slack errors', 60_000);
  await new Promise((r) => setTimeout(r, 2000));
  const failed = cluster.slack.callsTo('chat.postMessage').filter((c) => c.body['thread_ts'] === dm.ts && c.response['ok'] !== true);
  expect(failed.length).toBeGreaterThanOrEqual(1);
  expect(cluster.threadReplies(dm.channel, dm.ts).filter((c) => callText(c).includes('Your account is unlocked'))).toHaveLength(1);
  expect(cluster.appliedWrites(CHATFAIL)).toHaveLength(1);
  expect((await cluster.requests()).find((r) => r.requester === CHATFAIL)?.state).toBe('succeeded');
});
