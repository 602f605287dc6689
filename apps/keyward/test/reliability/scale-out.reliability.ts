import { DEMO_GROUP_IDS } from '@keyward/testkit';
import { callText } from '../support/product-harness';
import { APPROVE_ACTION_ID, DEMO_APPROVERS, FRANK, approvalsDirectory, report } from '../support/approval-scenario';
import { buttonsOf, postedTs } from '../support/slack-call-readers';
import { approveShownPush, startCluster, waitUntil } from './support/cluster';
import type { Cluster } from './support/cluster';

/*
 * Issue #7: two gateways and two workers (four processes) on one Redis and one PostgreSQL schema.
 * Every Slack event is delivered to BOTH gateways at the same moment (what a load balancer does with
 * Slack's retries), and every approval click too. Exactly one request, one push, one IdP write and
 * one result must come out of each.
 */

const LOCKED = Array.from({ length: 8 }, (_, i) => `U0LOCK${String(i).padStart(4, '0')}`);
const REPORTS = ['U0REPA0001', 'U0REPB0001', 'U0REPC0001'];

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({
    oktaSeed: approvalsDirectory(),
    employees: [
      ...DEMO_APPROVERS,
      ...LOCKED.map((slackId, i) => ({ slackId, name: `locked${i}`, okta: { status: 'LOCKED_OUT' as const } })),
      ...REPORTS.map((slackId, i) => report(slackId, `Rep${String.fromCharCode(65 + i)}`)),
    ],
  });
  // Started together: concurrent start-up on a fresh schema (migrations) is part of what is tested.
  await Promise.all([cluster.start('gateway'), cluster.start('gateway'), cluster.start('worker'), cluster.start('worker')]);
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
});

test('each DM delivered to both gateways at once → one request, one push, one unlock, one result', async () => {
  const [a, b] = cluster.gateways();
  if (!a || !b) throw new Error('two gateways expected');
  const sent = await Promise.all(
    LOCKED.map(async (user) => {
      const dm = cluster.dmEnvelope(user, "I'm locked out");
      // The second copy carries Slack's retry headers, as a real redelivery does.
      const statuses = await Promise.all([cluster.deliver(a, dm.envelope), cluster.deliver(b, dm.envelope, { retryNum: 1, retryReason: 'http_timeout' })]);
      expect(statuses.map((s) => s.status)).toEqual([200, 200]);
      return { user, ...dm };
    }),
  );
  await Promise.all(sent.map((s) => approveShownPush(cluster, s.user, s.channel, s.ts)));
  for (const s of sent) {
    await waitUntil(() => cluster.threadReplies(s.channel, s.ts).find((c) => callText(c).includes('Your account is unlocked')), `the unlock result for ${s.user}`, 30_000);
  }
  // Let any duplicate that would come, come.
  await new Promise((r) => setTimeout(r, 1500));
  for (const s of sent) {
    const replies = cluster.threadReplies(s.channel, s.ts);
    expect(replies.filter((c) => callText(c).includes('Your account is unlocked'))).toHaveLength(1);
    expect(cluster.appliedWrites(s.user).map((w) => w.operation)).toEqual(['unlockUser']);
    expect(cluster.okta.requests().filter((r) => r.operation === 'verifyFactor' && r.path.includes(cluster.oktaId(s.user)) && r.method === 'POST' && !r.path.includes('transactions'))).toHaveLength(1);
  }
  const rows = await cluster.requests();
  for (const user of LOCKED) {
    expect(rows.filter((r) => r.requester === user).map((r) => r.state)).toEqual(['succeeded']);
  }
});

test('an approval click delivered to both gateways, three times over → applied once, one PUT', async () => {
  const [a, b] = cluster.gateways();
  if (!a || !b) throw new Error('two gateways expected');
  const frankDm = `D${FRANK.slice(1)}`;
  for (const user of REPORTS) {
    const dm = cluster.dmEnvelope(user, 'add me to design-team');
    expect((await cluster.deliver(a, dm.envelope)).status).toBe(200);
    await approveShownPush(cluster, user, dm.channel, dm.ts);
    const name = `${user === REPORTS[0] ? 'RepA' : user === REPORTS[1] ? 'RepB' : 'RepC'} Tester`;
    const card = await waitUntil(
      () => cluster.slack.callsTo('chat.postMessage').find((c) => c.response['ok'] === true && c.body['channel'] === frankDm && callText(c).includes(`${name} asks`) && buttonsOf(c).some((x) => x.actionId === APPROVE_ACTION_ID)),
      `Frank's card for ${name}`,
      20_000,
    );
    const value = buttonsOf(card).find((x) => x.actionId === APPROVE_ACTION_ID)?.value as string;
    const clicks = await Promise.all(
      [a, b, a, b, a, b].map((gateway) => cluster.click(gateway, { user: FRANK, actionId: APPROVE_ACTION_ID, value, messageTs: postedTs(card) })),
    );
    expect(clicks.every((status) => status === 200)).toBe(true);
    await waitUntil(() => cluster.threadReplies(dm.channel, dm.ts).find((c) => callText(c).includes("Done. You're now in design-team")), `${name}'s result`, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(cluster.threadReplies(dm.channel, dm.ts).filter((c) => callText(c).includes("Done. You're now in design-team"))).toHaveLength(1);
    const puts = cluster.appliedWrites(user).filter((w) => w.method === 'PUT' && w.path.startsWith(`/api/v1/groups/${DEMO_GROUP_IDS.designTeam}/users/`));
    expect(puts).toHaveLength(1);
    expect(cluster.writesReceived(user).filter((w) => w.operation !== 'verifyFactor')).toHaveLength(1);
  }
  const rows = await cluster.requests();
  for (const user of REPORTS) expect(rows.filter((r) => r.requester === user).map((r) => r.state)).toEqual(['succeeded']);
});
