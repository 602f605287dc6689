import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDoctor } from '../../src/cli/doctor';
import { sink } from '../support/doctor-output';
import { callText } from '../support/product-harness';
import { TEST_DATABASE_URL, dropRunState, freePort } from '../support/product-process';
import { approveShownPush, startCluster, waitUntil } from './support/cluster';
import type { Cluster } from './support/cluster';
import { startRedisCluster } from './support/redis-cluster';
import type { RedisCluster, RedisClusterNode } from './support/redis-cluster';

/*
 * Redis Cluster: a private 3-master Cluster (redis-server --cluster-enabled, AOF, noeviction). The
 * gateway and worker get only REDIS_CLUSTER_NODES naming ONE node, one that does not serve the queues'
 * slot, so they must learn the slot map and follow it (REDIS_URL points at a closed port: a silent
 * fallback to it would fail). A request runs end to end; every key the product wrote sits in the one
 * slot of the queue prefix's hash tag, on one master. Another master is set to an evicting policy
 * first: the start-up check must name it, which a check of one node only would miss.
 */

const USER = 'U0CLUST001';
let redis: RedisCluster | undefined;
let keyward: Cluster | undefined;
const queuePrefix = `{kwcluster-${randomBytes(4).toString('hex')}}`;
let seed: RedisClusterNode;
let owner: RedisClusterNode;
let evicting: RedisClusterNode;

async function onNode<T>(node: RedisClusterNode, command: (client: ReturnType<RedisClusterNode['client']>) => Promise<T>): Promise<T> {
  const client = node.client();
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/** Every key on one node (SCAN is per node on a Cluster). */
async function keysOn(node: RedisClusterNode): Promise<string[]> {
  return onNode(node, async (client) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  });
}

beforeAll(async () => {
  redis = await startRedisCluster({ masters: 3 });
  const nodes = redis.nodes;
  const slot = await onNode(nodes[0] as RedisClusterNode, (client) => client.cluster('KEYSLOT', queuePrefix));
  owner = await redis.ownerOf(slot);
  const others = nodes.filter((n) => n !== owner);
  seed = others[0] as RedisClusterNode;
  evicting = others[1] as RedisClusterNode;
  await onNode(evicting, (client) => client.config('SET', 'maxmemory-policy', 'allkeys-lru'));
  keyward = await startCluster({
    redisUrl: `redis://127.0.0.1:${owner.port}`, // used by the harness's clean-up only
    employees: [{ slackId: USER, name: 'cluster', okta: { status: 'LOCKED_OUT' as const } }],
    env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_CLUSTER_NODES: `127.0.0.1:${seed.port}`, QUEUE_PREFIX: queuePrefix },
  });
}, 120_000);

afterAll(async () => {
  try {
    await keyward?.dispose();
  } finally {
    await redis?.stop();
  }
});

test('gateway and worker run on a 3-master Redis Cluster from one seed node; a request runs end to end, every key in one slot', async () => {
  if (!keyward || !redis) throw new Error('set-up failed');
  const gateway = await keyward.start('gateway');
  const worker = await keyward.start('worker');
  expect(gateway.output()).toContain(`Redis: cluster://127.0.0.1:${seed.port}`);
  expect((await fetch(`${gateway.url as string}/readyz`)).status).toBe(200);
  // The start-up check reads every node, not only the one a keyless command happens to reach.
  for (const proc of [gateway, worker]) {
    expect(proc.output()).toContain('REDIS MISCONFIGURED');
    expect(proc.output()).toContain(`127.0.0.1:${evicting.port} (master): Redis maxmemory-policy is \\"allkeys-lru\\"`);
    expect(proc.output()).not.toContain(`127.0.0.1:${owner.port} (master): Redis maxmemory-policy is`);
  }

  const dm = keyward.dmEnvelope(USER, "I'm locked out");
  expect((await keyward.deliver(gateway, dm.envelope)).status).toBe(200);
  await approveShownPush(keyward, USER, dm.channel, dm.ts);
  await waitUntil(() => keyward?.threadReplies(dm.channel, dm.ts).find((c) => callText(c).includes('Your account is unlocked')), 'the result via the Cluster', 30_000);
  expect(keyward.appliedWrites(USER)).toHaveLength(1);

  // Every key the product wrote (queues, job data, the push rate limit) is on the master serving the
  // prefix's slot, and in that very slot: BullMQ's multi-key scripts depend on it.
  const byNode = await Promise.all(redis.nodes.map(async (node) => ({ node, keys: await keysOn(node) })));
  const ownKeys = byNode.find((n) => n.node === owner)?.keys ?? [];
  expect(byNode.filter((n) => n.node !== owner).flatMap((n) => n.keys)).toEqual([]);
  expect(ownKeys.every((key) => key.startsWith(`${queuePrefix}:`))).toBe(true);
  for (const part of [':requests:', ':actions:', ':stepup:', ':ratelimit:']) expect(ownKeys.some((key) => key.includes(part))).toBe(true);
  const slots = await onNode(owner, async (client) => new Set(await Promise.all(ownKeys.map((key) => client.cluster('KEYSLOT', key)))));
  expect([...slots]).toEqual([await onNode(owner, (client) => client.cluster('KEYSLOT', queuePrefix))]);

  // SIGTERM closes every Cluster connection (ours and BullMQ's duplicates): nothing keeps the process up.
  for (const proc of [worker, gateway]) expect(await proc.stop('SIGTERM')).toMatchObject({ code: 0, signal: null });
});

test('keyward doctor reaches the Cluster from one seed node and names the evicting master (critical)', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kw-doctor-cluster-'));
  const schema = `kw_doctor_cluster_${randomBytes(4).toString('hex')}`;
  try {
    const out = sink();
    const code = await runDoctor([], { env: { DATA_DIR: dataDir, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_CLUSTER_NODES: `127.0.0.1:${seed.port}`, QUEUE_PREFIX: queuePrefix, SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, out: out.stream });
    const text = out.text().replace(/\s+/g, ' ');
    expect(text).toContain(`cluster://127.0.0.1:${seed.port}`);
    expect(text).toMatch(new RegExp(`CRIT\\S* maxmemory-policy 127\\.0\\.0\\.1:${evicting.port} \\(master\\): Redis maxmemory-policy is "allkeys-lru"`));
    expect(text).not.toContain(`127.0.0.1:${owner.port} (master): Redis maxmemory-policy is`);
    expect(code).not.toBe(0);
  } finally {
    await dropRunState({ schema, redisPrefix: queuePrefix, dirs: [dataDir] });
  }
});
