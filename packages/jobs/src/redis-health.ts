import { Cluster } from 'ioredis';
import type { Redis } from 'ioredis';

export interface RedisFinding {
  level: 'ok' | 'warning' | 'critical';
  message: string;
}

/**
 * BullMQ needs `maxmemory-policy noeviction`: any evicting policy can silently drop queued jobs or
 * their locks under memory pressure (F16, bullmq #1046). Persistence off loses jobs on restart.
 * On a Cluster every node is checked, replicas too: the queue's slot lives on one master today, and
 * on any node after a reshard or a fail-over (a promoted replica brings its own settings).
 */
export async function checkRedis(redis: Redis | Cluster): Promise<RedisFinding[]> {
  if (!(redis instanceof Cluster)) return checkNode(redis);
  try {
    // The node list comes from the slot map, which the Cluster has once it is ready.
    await redis.ping();
  } catch (error) {
    return [{ level: 'warning', message: `Cannot reach the Redis Cluster to check its nodes (${error instanceof Error ? error.message : String(error)}); make sure every node has maxmemory-policy noeviction and persistence on.` }];
  }
  const masters = redis.nodes('master');
  // In parallel: a node that does not answer costs its timeout once, not once per node before it.
  const perNode = await Promise.all(
    redis.nodes('all').map(async (node) => {
      const name = `${node.options.host ?? '?'}:${node.options.port ?? '?'} (${masters.includes(node) ? 'master' : 'replica'})`;
      return (await checkNode(node)).map((finding) => ({ level: finding.level, message: `${name}: ${finding.message}` }));
    }),
  );
  const findings = perNode.flat();
  if (findings.length === 0) findings.push({ level: 'warning', message: 'The Redis Cluster lists no node; cannot check maxmemory-policy and persistence.' });
  return findings;
}

async function checkNode(redis: Redis): Promise<RedisFinding[]> {
  const findings: RedisFinding[] = [];
  const policy = await configValue(redis, 'maxmemory-policy');
  if (policy === undefined) findings.push({ level: 'warning', message: 'Cannot read maxmemory-policy (CONFIG disabled?); make sure it is noeviction.' });
  else if (policy !== 'noeviction') findings.push({ level: 'critical', message: `Redis maxmemory-policy is "${policy}": queued jobs can be evicted. Set it to noeviction.` });
  else findings.push({ level: 'ok', message: 'maxmemory-policy is noeviction' });
  const aof = await configValue(redis, 'appendonly');
  const save = await configValue(redis, 'save');
  if (aof !== 'yes' && !save) findings.push({ level: 'warning', message: 'Redis persistence is off (no AOF, no RDB): a Redis restart loses queued and delayed jobs.' });
  return findings;
}

async function configValue(redis: Redis, key: string): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', key)) as unknown as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}
