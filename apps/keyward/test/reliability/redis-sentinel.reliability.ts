import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { callText } from '../support/product-harness';
import { approveShownPush, startCluster, waitUntil } from './support/cluster';
import type { Cluster } from './support/cluster';
import { freePort } from '../support/product-process';

/*
 * Issue #7: Redis through Sentinel. A private master and one sentinel monitoring it (loopback, private
 * ports); the gateway and worker get only REDIS_SENTINELS / REDIS_SENTINEL_NAME (REDIS_URL points at a
 * closed port, so a silent fallback to it would fail). A request runs end to end through them.
 */

const USER = 'U0SENT0001';
const children: ChildProcess[] = [];
let dir = '';
let cluster: Cluster;

async function pong(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyward-sentinel-'));
  const masterPort = await freePort();
  const sentinelPort = await freePort();
  children.push(spawn('redis-server', ['--port', String(masterPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' }));
  // Sentinel rewrites its config file, so it gets its own writable copy.
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor kwtest 127.0.0.1 ${masterPort} 1\nsentinel down-after-milliseconds kwtest 5000\n`);
  children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  for (const port of [masterPort, sentinelPort]) {
    const deadline = Date.now() + 10_000;
    while (!(await pong(port))) {
      if (Date.now() > deadline) throw new Error(`redis on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const closedPort = await freePort();
  cluster = await startCluster({
    redisUrl: `redis://127.0.0.1:${masterPort}`, // used by the harness's clean-up only
    employees: [{ slackId: USER, name: 'sentinel', okta: { status: 'LOCKED_OUT' as const } }],
    env: { REDIS_URL: `redis://127.0.0.1:${closedPort}`, REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_NAME: 'kwtest' },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('gateway and worker reach Redis through Sentinel only; a request runs end to end', async () => {
  const gateway = await cluster.start('gateway');
  await cluster.start('worker');
  expect(gateway.output()).toContain('sentinel://kwtest@127.0.0.1:');
  expect((await fetch(`${gateway.url as string}/readyz`)).status).toBe(200);
  const dm = cluster.dmEnvelope(USER, "I'm locked out");
  expect((await cluster.deliver(gateway, dm.envelope)).status).toBe(200);
  await approveShownPush(cluster, USER, dm.channel, dm.ts);
  await waitUntil(() => cluster.threadReplies(dm.channel, dm.ts).find((c) => callText(c).includes('Your account is unlocked')), 'the result via Sentinel', 30_000);
  expect(cluster.appliedWrites(USER)).toHaveLength(1);
});
