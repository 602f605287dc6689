import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callText } from '../support/product-harness';
import { approveShownPush, startCluster, waitUntil } from './support/cluster';
import type { Cluster, KeywardProcess } from './support/cluster';
import { freePort } from '../support/product-process';

/*
 * Issue #7 / F16: a private redis-server with AOF (appendfsync always, as infra/redis/redis.conf but
 * stricter so the test is deterministic) is stopped mid-flight and started again on the same port and
 * data dir. Jobs waiting in the queue (no worker running) and delayed jobs (push polls) survive; the
 * gateway reports degraded readiness while Redis is away and recovers without a restart.
 */

const WAITING = ['U0RWAIT001', 'U0RWAIT002', 'U0RWAIT003'];
const POLLING = ['U0RPOLL001', 'U0RPOLL002'];

let redis: ChildProcess | undefined;
let redisPort = 0;
let redisDir = '';
let cluster: Cluster;

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  await waitUntil(() => spawnSyncPing(), 'the private redis-server', 10_000, 50);
}

let lastPing = false;
function spawnSyncPing(): boolean {
  // Poll with a real PING over TCP (fire-and-forget; the result lands before the next probe).
  const socket = connect(redisPort, '127.0.0.1');
  socket.once('error', () => {
    lastPing = false;
  });
  socket.once('data', (d: Buffer) => {
    lastPing = d.toString().startsWith('+PONG');
    socket.destroy();
  });
  socket.write('PING\r\n');
  return lastPing;
}

async function stopRedis(): Promise<void> {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  lastPing = false;
}

const readyz = async (gateway: KeywardProcess): Promise<number> => fetch(`${gateway.url as string}/readyz`).then((r) => r.status, () => 0);

beforeAll(async () => {
  redisPort = await freePort();
  redisDir = mkdtempSync(path.join(tmpdir(), 'keyward-redis-'));
  await startRedis();
  cluster = await startCluster({
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    employees: [...WAITING, ...POLLING].map((slackId, i) => ({ slackId, name: `redis${i}`, okta: { status: 'LOCKED_OUT' as const } })),
    pollIntervalMs: 1000,
  });
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
  await stopRedis();
  rmSync(redisDir, { recursive: true, force: true });
});

test('queued and delayed jobs survive a Redis restart; /readyz is 503 while it is away and 200 after, with no process restarted', async () => {
  const gateway = await cluster.start('gateway');
  let worker = await cluster.start('worker');
  expect(await readyz(gateway)).toBe(200);

  // Delayed jobs: two requests wait on a push; their poll jobs sit in the delayed set.
  const polling = [];
  for (const user of POLLING) {
    const dm = cluster.dmEnvelope(user, "I'm locked out");
    expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
    await waitUntil(() => cluster.okta.pendingPushes(cluster.login(user))[0], `a push for ${user}`, 20_000);
    polling.push({ user, ...dm });
  }
  // Queued jobs: with no worker running, three new requests wait in the queue.
  await worker.stop('SIGTERM');
  const waiting = [];
  for (const user of WAITING) {
    const dm = cluster.dmEnvelope(user, "I'm locked out");
    expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
    waiting.push({ user, ...dm });
  }

  await stopRedis();
  const whileAway = await readyz(gateway);
  const healthWhileAway = await fetch(`${gateway.url as string}/healthz`).then((r) => r.status);
  await startRedis();
  expect(whileAway).toBe(503);
  expect(healthWhileAway).toBe(200); // liveness stays up: a restart would not bring Redis back
  // Recovers by itself: same gateway process, no restart.
  let ready = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (ready = await readyz(gateway)) !== 200) await new Promise((r) => setTimeout(r, 200));
  expect(ready).toBe(200);
  expect(gateway.exited()).toBe(false);

  worker = await cluster.start('worker');
  for (const p of polling) {
    const push = cluster.okta.pendingPushes(cluster.login(p.user))[0];
    if (!push) throw new Error(`push of ${p.user} lost`);
    cluster.okta.approvePush(push.transactionId, push.correctAnswer);
  }
  for (const w of waiting) await approveShownPush(cluster, w.user, w.channel, w.ts, 30_000);
  for (const s of [...polling, ...waiting]) {
    await waitUntil(() => cluster.threadReplies(s.channel, s.ts).find((c) => callText(c).includes('Your account is unlocked')), `the result for ${s.user}`, 30_000);
  }
  await new Promise((r) => setTimeout(r, 1500));
  for (const s of [...polling, ...waiting]) {
    expect(cluster.threadReplies(s.channel, s.ts).filter((c) => callText(c).includes('Your account is unlocked'))).toHaveLength(1);
    expect(cluster.appliedWrites(s.user)).toHaveLength(1);
  }
  await worker.stop('SIGTERM');
});
