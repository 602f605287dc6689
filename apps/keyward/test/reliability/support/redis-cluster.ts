import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../support/product-process';

/*
 * A real Redis Cluster for the reliability suite: N masters from `redis-server --cluster-enabled yes`
 * on free loopback ports (client port and bus port both chosen, so the default "port + 10000" bus
 * cannot collide or overflow), joined by `redis-cli --cluster create`, ready once every node reports
 * cluster_state:ok. AOF on and noeviction, as infra/redis/redis.conf asks of a production Redis.
 * Whatever was started is killed and its directory removed on stop, and when start-up fails.
 */

export interface RedisClusterNode {
  port: number;
  /** A plain connection to this one node (no redirections followed); the caller disconnects it. */
  client(): Redis;
}

export interface RedisCluster {
  readonly nodes: readonly RedisClusterNode[];
  /** `127.0.0.1:port` of every node, comma-separated (REDIS_CLUSTER_NODES). */
  readonly seeds: string;
  /** The node serving `slot` (CLUSTER SLOTS as the nodes see it). */
  ownerOf(slot: number): Promise<RedisClusterNode>;
  stop(): Promise<void>;
}

export async function startRedisCluster(options: { masters: number; timeoutMs?: number }): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-redis-cluster-'));
  const children: { child: ChildProcess; output: string[] }[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      children.map(({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const nodes: RedisClusterNode[] = [];
  try {
    for (let i = 0; i < options.masters; i += 1) {
      const port = await freePort();
      const busPort = await freePort();
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir);
      const child = spawn(
        'redis-server',
        [
          '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
          '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--dir', nodeDir, '--daemonize', 'no',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const output: string[] = [];
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      children.push({ child, output });
      nodes.push({ port, client: () => new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }) });
    }
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const failure = (what: string): Error =>
      new Error(`${what}:\n${children.map(({ output }, i) => `--- node ${nodes[i]?.port ?? '?'}\n${output.join('').slice(-2000)}`).join('\n')}`);
    for (const node of nodes) {
      while ((await ask(node, (c) => c.ping())) !== 'PONG') {
        if (Date.now() > deadline) throw failure(`redis-server on ${node.port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const created = await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    if (created.code !== 0) throw failure(`redis-cli --cluster create failed (${created.code}):\n${created.output}`);
    for (const node of nodes) {
      while (!/^cluster_state:ok$/m.test((await ask(node, (c) => c.cluster('INFO'))) ?? '')) {
        if (Date.now() > deadline) throw failure(`node ${node.port} did not reach cluster_state:ok`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    async ownerOf(slot) {
      const first = nodes[0];
      const ranges = first ? ((await ask(first, (c) => c.cluster('SLOTS'))) as [number, number, [string, number, ...unknown[]], ...unknown[]][] | undefined) : undefined;
      const port = ranges?.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
      const owner = nodes.find((n) => n.port === port);
      if (!owner) throw new Error(`no node serves slot ${slot}`);
      return owner;
    },
    stop,
  };
}

/** One command on a fresh connection to `node`; undefined when the node does not answer. */
async function ask<T>(node: RedisClusterNode, command: (client: Redis) => Promise<T>): Promise<T | undefined> {
  const client = node.client();
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await command(client);
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}
