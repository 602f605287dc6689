import { callText } from '../support/product-harness';
import { approveShownPush, startCluster, waitUntil } from './support/cluster';
import type { Cluster, KeywardProcess } from './support/cluster';

/*
 * Issue #7 / F15: a worker SIGKILLed in the middle of the IdP call, round after round. The Okta fake
 * holds the unlock call open (`hang`), so the kill lands while the write is in flight; a new worker
 * takes the job over once the dead worker's lock expires (WORKER_LOCK_DURATION_MS=2000 here).
 * Every request must end in exactly one outcome, visible in its thread, and the fake must have
 * APPLIED at most one write per request (the hung call was never applied: the fake answers nothing
 * and changes nothing for it).
 */

const ROUNDS = 5;
const PER_ROUND = 3;
const users = Array.from({ length: ROUNDS * PER_ROUND + 1 }, (_, i) => `U0KILL${String(i).padStart(4, '0')}`);
const TWICE = users[users.length - 1] as string;
// Killed after Okta applied the write, before the worker heard back (ADR 0007).
const APPLIED_RESET = 'U0KILLRST1';
const APPLIED_UNLOCK = 'U0KILLUNL1';

let cluster: Cluster;
let worker: KeywardProcess;

beforeAll(async () => {
  cluster = await startCluster({
    employees: [
      ...users.map((slackId, i) => ({ slackId, name: `crash${i}`, okta: { status: 'LOCKED_OUT' as const } })),
      { slackId: APPLIED_RESET, name: 'appliedreset' },
      { slackId: APPLIED_UNLOCK, name: 'appliedunlock', okta: { status: 'LOCKED_OUT' as const } },
    ],
    lockDurationMs: 2000,
  });
  await cluster.start('gateway');
  worker = await cluster.start('worker');
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
});

const UNLOCKED = 'Your account is unlocked';
const FAILED = "Sorry, I couldn't complete that";
const outcomes = (channel: string, ts: string): string[] =>
  cluster.threadReplies(channel, ts).map(callText).filter((t) => t.includes(UNLOCKED) || t.includes(FAILED));

async function roundOfKills(group: string[], hangsPerRequest: number): Promise<{ user: string; channel: string; ts: string }[]> {
  const gateway = cluster.gateways()[0] as KeywardProcess;
  cluster.okta.injectFault({ operation: 'unlockUser', kind: 'hang', times: group.length * hangsPerRequest });
  const sent = await Promise.all(
    group.map(async (user) => {
      const dm = cluster.dmEnvelope(user, "I'm locked out");
      expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
      await approveShownPush(cluster, user, dm.channel, dm.ts);
      return { user, ...dm };
    }),
  );
  for (let kill = 0; kill < hangsPerRequest; kill += 1) {
    // Every request's unlock is now in flight, held by the fake: kill the worker mid-call.
    await waitUntil(() => group.every((u) => cluster.writesReceived(u).filter((w) => w.status === 0).length > kill), 'every unlock in flight', 30_000);
    const exit = await worker.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    worker = await cluster.start('worker');
  }
  return sent;
}

test(`SIGKILL mid-unlock, ${ROUNDS} rounds of ${PER_ROUND} requests: one outcome each, at most one applied write`, async () => {
  const all: { user: string; channel: string; ts: string }[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const sent = await roundOfKills(users.slice(round * PER_ROUND, (round + 1) * PER_ROUND), 1);
    // Each round ends before the next injects its faults: a taken-over call must not eat them.
    for (const s of sent) await waitUntil(() => outcomes(s.channel, s.ts).length > 0, `an outcome for ${s.user}`, 30_000);
    all.push(...sent);
  }
  await new Promise((r) => setTimeout(r, 3000)); // a late duplicate would show up by now (lock 2 s)
  const rows = await cluster.requests();
  for (const s of all) {
    expect(outcomes(s.channel, s.ts)).toHaveLength(1);
    expect(cluster.appliedWrites(s.user).length).toBeLessThanOrEqual(1);
    expect(rows.filter((r) => r.requester === s.user)).toHaveLength(1);
    const state = rows.find((r) => r.requester === s.user)?.state;
    expect(['succeeded', 'failed']).toContain(state);
    expect(cluster.okta.user(cluster.login(s.user))?.status === 'ACTIVE').toBe(state === 'succeeded');
  }
  // Taken over after the crash, the unlocks went through: killing a worker loses nothing.
  expect(rows.filter((r) => all.some((s) => s.user === r.requester)).every((r) => r.state === 'succeeded')).toBe(true);
});

test('the same job killed twice in a row still ends in exactly one outcome (never stuck in "executing")', async () => {
  const [sent] = await roundOfKills([TWICE], 2);
  if (!sent) throw new Error('no request');
  await waitUntil(() => outcomes(sent.channel, sent.ts).length > 0, 'an outcome after two crashes', 45_000);
  await new Promise((r) => setTimeout(r, 3000));
  expect(outcomes(sent.channel, sent.ts)).toHaveLength(1);
  expect(cluster.appliedWrites(TWICE).length).toBeLessThanOrEqual(1);
  const rows = (await cluster.requests()).filter((r) => r.requester === TWICE);
  expect(rows.map((r) => r.state)).toEqual([cluster.appliedWrites(TWICE).length === 1 ? 'succeeded' : 'failed']);
  process.stdout.write(`twice-killed request: ${rows[0]?.state}; thread: ${outcomes(sent.channel, sent.ts).join(' | ').slice(0, 200)}\n`);
});

/** Sends the DM, approves the push, and kills the worker once Okta has applied the write it holds open. */
async function killAfterApplied(user: string, text: string, operation: string): Promise<{ channel: string; ts: string }> {
  const gateway = cluster.gateways()[0] as KeywardProcess;
  cluster.okta.injectFault({ operation, kind: 'apply_then_hang' });
  const dm = cluster.dmEnvelope(user, text);
  expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
  await approveShownPush(cluster, user, dm.channel, dm.ts);
  await waitUntil(() => cluster.appliedWrites(user).length === 1, 'the write applied at Okta', 30_000);
  expect((await worker.stop('SIGKILL')).signal).toBe('SIGKILL');
  worker = await cluster.start('worker');
  return dm;
}

test('SIGKILL after Okta applied a reset: the taken-over job does not issue a second link; one "can\'t confirm" reply', async () => {
  const dm = await killAfterApplied(APPLIED_RESET, 'I forgot my password', 'generateResetPasswordToken');
  const unknown = (): string[] => cluster.threadReplies(dm.channel, dm.ts).map(callText).filter((t) => t.includes("can't confirm whether your password reset went through"));
  await waitUntil(() => unknown().length > 0, 'the outcome-unknown reply', 30_000);
  await new Promise((r) => setTimeout(r, 3000));
  expect(unknown()).toHaveLength(1);
  expect(cluster.threadReplies(dm.channel, dm.ts).map(callText).filter((t) => /reset link|Reveal/i.test(t))).toEqual([]);
  expect(cluster.appliedWrites(APPLIED_RESET)).toHaveLength(1);
  const rows = (await cluster.requests()).filter((r) => r.requester === APPLIED_RESET);
  expect(rows.map((r) => r.state)).toEqual(['failed']);
  expect(await cluster.auditTypes(rows[0]!.id)).toEqual(expect.arrayContaining(['request.write_started', 'request.failed']));
});

test('SIGKILL after Okta applied an unlock: the repeat is refused by Okta as a no-op and the user is told it is unlocked', async () => {
  const dm = await killAfterApplied(APPLIED_UNLOCK, "I'm locked out", 'unlockUser');
  await waitUntil(() => outcomes(dm.channel, dm.ts).length > 0, 'an outcome', 30_000);
  await new Promise((r) => setTimeout(r, 3000));
  expect(outcomes(dm.channel, dm.ts)).toEqual([expect.stringContaining(UNLOCKED)]);
  expect(cluster.appliedWrites(APPLIED_UNLOCK)).toHaveLength(1);
  expect((await cluster.requests()).filter((r) => r.requester === APPLIED_UNLOCK).map((r) => r.state)).toEqual(['succeeded']);
});
