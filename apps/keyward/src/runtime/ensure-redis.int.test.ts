import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { silentLogger } from '@keyward/core';
import { clusterHandle, createQueueConnection, ensureRedis } from './ensure-redis';
import { freePort } from '../../test/support/product-process';

/*
 * Cluster mode refuses to start on a Redis that cannot serve the queues, with the node and the reason
 * (the whole product on a real 3-master Cluster: test/reliability/redis-cluster.reliability.ts).
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ensureCluster = (nodes: { host: string; port: number }[]): Promise<unknown> => ensureRedis({ cluster: { nodes, tls: false }, embedded: false, dataDir: tmpdir(), logger: silentLogger });

describe('ensureRedis with REDIS_CLUSTER_NODES', () => {
  it('refuses a Redis without cluster mode, naming the node and its answer', async () => {
    const { hostname, port } = new URL(REDIS_URL);
    await expect(ensureCluster([{ host: hostname, port: Number(port || 6379) }])).rejects.toThrow(/Redis Cluster cluster:\/\/.* is not usable \(.*cluster support disabled\)\. Check REDIS_CLUSTER_NODES/);
  });

  it('refuses seed nodes nobody listens on', async () => {
    const port = await freePort();
    await expect(ensureCluster([{ host: '127.0.0.1', port }])).rejects.toThrow(`cluster://127.0.0.1:${port} is not usable (127.0.0.1:${port}: `);
  });

  describe('a cluster node that serves no slot (cluster_state:fail)', () => {
    let node: ChildProcess | undefined;
    let dir = '';
    let port = 0;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'keyward-slotless-'));
      port = await freePort();
      node = spawn('redis-server', ['--port', String(port), '--cluster-port', String(await freePort()), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (let attempt = 0; ; attempt += 1) {
        const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          expect(await client.cluster('INFO')).toMatch(/^cluster_state:fail$/m);
          break;
        } catch (error) {
          if (attempt > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        } finally {
          client.disconnect();
        }
      }
    });

    afterAll(() => {
      node?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('is refused after the 5 s cap instead of hanging start-up (ioredis never settles connect() then)', async () => {
      const started = Date.now();
      await expect(ensureCluster([{ host: '127.0.0.1', port }])).rejects.toThrow('no cluster_state:ok within 5 s');
      expect(Date.now() - started).toBeLessThan(8000);
    });
  });
});

describe('cluster handle and queue connection', () => {
  it('shows the seeds, passes password and TLS to every node, and keeps hostnames for the TLS check', () => {
    const handle = clusterHandle({ nodes: [{ host: 'redis-0.example', port: 6380 }, { host: '::1', port: 7000 }], password: 'pw', tls: true });
    expect(handle.url).toBe('cluster://redis-0.example:6380,[::1]:7000');
    expect(handle.origin).toBe('cluster');
    expect(handle.options).toEqual({ password: 'pw', tls: {} });
    const lookup = handle.cluster?.options.dnsLookup;
    const resolved = new Promise((resolve) => lookup?.('redis-0.example', (_error, address) => resolve(address)));
    return expect(resolved).resolves.toBe('redis-0.example');
  });

  it('gives BullMQ one ioredis Cluster with maxRetriesPerRequest null on its nodes (BullMQ cannot build a Cluster from options)', async () => {
    const handle = clusterHandle({ nodes: [{ host: '127.0.0.1', port: await freePort() }], tls: false });
    // Only the seed nobody answers on: enough to see the client that would be built.
    handle.cluster = { nodes: handle.cluster?.nodes ?? [], options: { ...handle.cluster?.options, lazyConnect: true } };
    const queue = createQueueConnection(handle, () => undefined);
    try {
      expect(queue.connection).toBeInstanceOf(Cluster);
      expect((queue.connection as Cluster).options.redisOptions?.maxRetriesPerRequest).toBeNull();
    } finally {
      await queue.close();
    }
    const plain = createQueueConnection({ url: REDIS_URL, origin: 'configured', options: { url: REDIS_URL }, stop: async () => undefined }, () => undefined);
    expect(plain.connection).toEqual({ url: REDIS_URL, maxRetriesPerRequest: null });
  });
});

describe('ensureRedis with a REDIS_URL that does not answer', () => {
  const silentUrl = async (): Promise<string> => `redis://127.0.0.1:${await freePort()}`;

  it('outside the embedded default: refused with one sentence', async () => {
    const url = await silentUrl();
    await expect(ensureRedis({ url, embedded: false, dataDir: tmpdir(), logger: silentLogger })).rejects.toThrow(`REDIS_URL ${url} is not reachable. Start Redis or fix REDIS_URL.`);
  });

  it('embedded default with a shared PostgreSQL: refused, never a private Redis beside a shared database', async () => {
    const url = await silentUrl();
    await expect(ensureRedis({ url, embedded: true, sharedDatabase: true, dataDir: tmpdir(), logger: silentLogger })).rejects.toThrow(/is not reachable\. Start Redis or fix REDIS_URL\. Keyward processes sharing a PostgreSQL database must share this Redis too\./);
  });

  it('embedded default alone: falls back to the Redis on 127.0.0.1:6379, as the README orders it', async () => {
    if (REDIS_URL !== 'redis://127.0.0.1:6379') return; // the machine's Redis is elsewhere: nothing to fall back to
    const handle = await ensureRedis({ url: await silentUrl(), embedded: true, dataDir: tmpdir(), logger: silentLogger });
    expect(handle).toMatchObject({ url: 'redis://127.0.0.1:6379', origin: 'local' });
  });
});
